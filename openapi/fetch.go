package openapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Fetching a document is the only network traffic the loader makes, and
// only to the host the user named: redirects to another host are refused.
const (
	// DefaultFetchTimeout bounds fetching a document from a URL.
	DefaultFetchTimeout = 30 * time.Second
	// MaxDocumentBytes is the largest document Load reads.
	MaxDocumentBytes = maxFileBytes
)

// fetch GETs a document with a timeout and a size cap.
func fetch(ctx context.Context, source string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, DefaultFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, source, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/yaml;q=0.9, */*;q=0.5")
	client := &http.Client{CheckRedirect: func(r *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		if r.URL.Host != via[0].URL.Host {
			return fmt.Errorf("redirect to another host %s refused", r.URL.Host)
		}
		return nil
	}}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("GET returned %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxDocumentBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("document larger than %d MiB", MaxDocumentBytes>>20)
	}
	return data, nil
}
