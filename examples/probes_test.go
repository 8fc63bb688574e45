package examples

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// miniProbes are simplified versions of idemcheck's probes, enough to show
// that each variant's ExpectFail is exactly what its flaw trips. A probe
// returns a non-empty finding when it fails.
var miniProbes = map[string]func(base string) (string, error){
	"replay":           replayProbe(false),
	"replay-marker":    replayProbe(true),
	"concurrent":       concurrentProbe,
	"mismatch-body":    mismatchBodyProbe,
	"mismatch-target":  mismatchTargetProbe,
	"missing-key":      missingKeyProbe,
	"key-format":       keyFormatProbe,
	"cross-principal":  crossPrincipalProbe,
	"error-replay":     errorReplayProbe,
	"retry-after-drop": retryAfterDropProbe,
}

const payment = `{"amount":1500,"currency":"gbp","description":"probe"}`

func replayProbe(marker bool) func(string) (string, error) {
	return func(base string) (string, error) {
		c, k := newClient(base), freshKey()
		first, err := c.do("POST", "/v1/payments", k, payment)
		if err != nil {
			return "", err
		}
		again, err := c.do("POST", "/v1/payments", k, payment)
		if err != nil {
			return "", err
		}
		n, err := c.count()
		switch {
		case marker && again.status < 300 && paymentID(again.body) == paymentID(first.body) && !again.replayed:
			// a retry refused or processed again is no replay and has
			// nothing to mark: that is replay's finding
			return "replay not marked", err
		case !marker && (again.status != first.status || again.body != first.body):
			return "replay differs", err
		case !marker && n != 1:
			return fmt.Sprintf("%d payments", n), err
		}
		return "", err
	}
}

func concurrentProbe(base string) (string, error) {
	for range 5 {
		c, k := newClient(base), freshKey()
		var wg sync.WaitGroup
		replies := make([]reply, 10)
		errs := make([]error, 10)
		barrier := make(chan struct{})
		for i := range replies {
			wg.Go(func() {
				<-barrier
				replies[i], errs[i] = c.do("POST", "/v1/payments", k, payment)
			})
		}
		close(barrier)
		wg.Wait()
		// Copies are judged by the payment they name: a copy answered after
		// the first completed is a retry, and how a retry is answered is
		// replay's matter.
		stored := ""
		for i, r := range replies {
			switch {
			case errs[i] != nil:
				return "", errs[i]
			case r.status >= 400 && r.status < 500:
			case r.status == 201 && (stored == "" || paymentID(r.body) == stored):
				stored = paymentID(r.body)
			default:
				return fmt.Sprintf("unexpected %d", r.status), nil
			}
		}
		if n, err := c.count(); err != nil || n != 1 {
			return fmt.Sprintf("%d payments", n), err
		}
	}
	return "", nil
}

func mismatchBodyProbe(base string) (string, error) {
	c, k := newClient(base), freshKey()
	alt := strings.Replace(payment, "1500", "1600", 1)
	if r, err := c.do("POST", "/v1/payments", freshKey(), alt); err != nil || r.status != 201 {
		return "", fmt.Errorf("control: alt body not accepted: %d %v", r.status, err)
	}
	if _, err := c.do("POST", "/v1/payments", k, payment); err != nil {
		return "", err
	}
	r, err := c.do("POST", "/v1/payments", k, alt)
	if r.status < 300 || (r.status != 422 && r.status != 400 && r.status != 409) {
		return fmt.Sprintf("reused key answered %d", r.status), err
	}
	return "", err
}

func mismatchTargetProbe(base string) (string, error) {
	c, k := newClient(base), freshKey()
	other, err := c.do("POST", "/v1/payments", freshKey(), payment)
	if err != nil {
		return "", err
	}
	id := other.body[strings.Index(other.body, `"pay_`)+1:]
	id = id[:strings.Index(id, `"`)]
	first, err := c.do("POST", "/v1/payments/pay_seed0001/refunds", k, `{"amount":10}`)
	if err != nil {
		return "", err
	}
	r, err := c.do("POST", "/v1/payments/"+id+"/refunds", k, `{"amount":10}`)
	if r.body == first.body {
		return "false replay on another payment", err
	}
	return "", err
}

func missingKeyProbe(base string) (string, error) {
	r, err := newClient(base).do("POST", "/v1/payments", "-", payment)
	if r.status < 400 || r.status >= 500 {
		return fmt.Sprintf("missing key answered %d", r.status), err
	}
	return "", err
}

func keyFormatProbe(base string) (string, error) {
	c := newClient(base)
	for _, k := range []string{"", strings.Repeat("k", 256), strings.Repeat("k", 100_000), `"quoted"`} {
		r, err := c.do("POST", "/v1/payments", k, payment)
		if err != nil && len(k) > 8<<10 {
			continue // an oversize header refused by closing the connection
		}
		if err != nil {
			return "", err
		}
		if r.status >= 500 || (k == "" && r.status < 300) {
			return fmt.Sprintf("key of %d bytes answered %d", len(k), r.status), nil
		}
	}
	return "", nil
}

func crossPrincipalProbe(base string) (string, error) {
	k := freshKey()
	a, err := newClient(base).do("POST", "/v1/payments", k, payment)
	if err != nil {
		return "", err
	}
	b, err := newClient(base).do("POST", "/v1/payments", k, payment)
	if b.body == a.body {
		return "B received A's response", err
	}
	return "", err
}

func errorReplayProbe(base string) (string, error) {
	c, k := newClient(base), freshKey()
	declined := `{"amount":4000,"currency":"usd"}`
	first, err := c.do("POST", "/v1/payments", k, declined)
	if err != nil {
		return "", err
	}
	again, err := c.do("POST", "/v1/payments", k, declined)
	if first.status != 402 || again.status < 400 || again.status >= 500 {
		return "declined payment processed differently on retry", err
	}
	return "", err
}

// retryAfterDropProbe writes a request by hand and hangs up without reading,
// waits until the server has processed it, then retries.
func retryAfterDropProbe(base string) (string, error) {
	c, k := newClient(base), freshKey()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		return "", err
	}
	fmt.Fprintf(conn, "POST /v1/payments HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nIdempotency-Key: %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", c.auth, k, len(payment), payment)
	conn.Close()
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if n, err := c.count(); err != nil || n == 1 {
			break
		} else if time.Now().After(deadline) {
			break // dropped before processing: the retry must create it
		}
	}
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		r, err := c.do("POST", "/v1/payments", k, payment)
		if err != nil {
			return "", err
		}
		if r.status != 409 || time.Now().After(deadline) {
			break // 409: the dropped request is still in flight
		}
	}
	if n, err := c.count(); err != nil || n != 1 {
		return fmt.Sprintf("%d payments", n), err
	}
	return "", nil
}

// paymentID is the "id" of a payment body, "" when there is none.
func paymentID(body string) string {
	var p struct{ ID string }
	_ = json.Unmarshal([]byte(body), &p)
	return p.ID
}
