package cmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// unsolicitedServer answers every HTTP/1.1 request with a 503 followed by a
// second, unrequested response carrying a marker: net/http's transport logs
// "Unsolicited response received on idle HTTP channel starting with …",
// server bytes included, through the standard logger.
func unsolicitedServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(20 * time.Second))
				br := bufio.NewReader(c)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, io.LimitReader(req.Body, 1<<20))
					io.WriteString(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
					time.Sleep(5 * time.Millisecond) // the client is idle again
					io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Leak: LEAKMARKER\r\nContent-Length: 0\r\n\r\n")
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// TestNetHTTPLogNeverReachesStderr runs idemcheck as a process against a
// server that sends unsolicited responses: net/http's log lines about them
// (which carry the server's bytes) never reach stderr. A control in this
// process shows that the server does make net/http log them.
func TestNetHTTPLogNeverReachesStderr(t *testing.T) {
	base := unsolicitedServer(t)

	var logged syncBuffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logged.String(), "LEAKMARKER"); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("control: net/http logged no unsolicited response within 10s: %q", logged.String())
		}
	}
	log.SetOutput(os.Stderr)

	args, _ := json.Marshal([]string{"check", "--spec", specFile(t), "--base-url", base, "--no-color", "--timeout", "2s"})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mainArgsEnv+"="+string(args))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError // 1 or 2: the junk responses make verdicts or errors
	if !errors.As(err, &exit) || (exit.ExitCode() != int(ExitFindings) && exit.ExitCode() != int(ExitError)) {
		t.Errorf("exit %v, want %d or %d; stderr:\n%s", err, ExitFindings, ExitError, stderr.String())
	}
	if s := stderr.String(); strings.Contains(s, "Unsolicited") || strings.Contains(s, "LEAKMARKER") {
		t.Errorf("stderr carries net/http's log:\n%s", s)
	}
	if n := strings.Count(strings.TrimSpace(stderr.String()), "\n"); n > 1 {
		t.Errorf("stderr is %d lines, want the error line (and at most a usage hint):\n%s", n+1, stderr.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
