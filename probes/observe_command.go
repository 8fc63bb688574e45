package probes

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Command observer limits: the default timeout of one run, and how much of
// its output is kept (a count or a small JSON document needs little).
const (
	DefaultCommandTimeout = 10 * time.Second
	maxCommandOutput      = 1 << 20
)

// CommandObserver runs a user-declared shell command that prints a number
// or JSON: a database row count, a queue depth, a mailbox size — side
// effects no HTTP endpoint shows. The command sees IDEMCHECK_BASE_URL and,
// when the request carries one, IDEMCHECK_CANARY: a command that filters by
// it counts this experiment's effects only.
type CommandObserver struct {
	Label   string        // the configuration's name
	Command string        // run with sh -c
	Pointer string        // JSON pointer into JSON output; "" for a bare number or array
	Timeout time.Duration // DefaultCommandTimeout when zero
}

// Name implements Observer.
func (c *CommandObserver) Name() string {
	return observerName(c.Label, "command "+strconv.Quote(c.Command))
}

// Snapshot implements Observer: it runs the command and reads its output.
func (c *CommandObserver) Snapshot(ctx context.Context, a Access) (Snapshot, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultCommandTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", c.Command)
	cmd.Env = append(os.Environ(), "IDEMCHECK_BASE_URL="+a.BaseURL)
	if a.Canary != "" {
		cmd.Env = append(cmd.Env, "IDEMCHECK_CANARY="+a.Canary)
	}
	var stdout, stderr capped
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second // children holding the pipes do not hang us
	err := cmd.Run()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return Snapshot{}, fmt.Errorf("command %q timed out after %s", c.Command, timeout)
	case err != nil:
		msg := firstLine(strings.TrimSpace(stderr.String()))
		if msg != "" {
			msg = ": " + msg
		}
		return Snapshot{}, fmt.Errorf("command %q failed: %v%s", c.Command, err, msg)
	case stdout.over:
		return Snapshot{}, fmt.Errorf("command %q printed more than %d bytes", c.Command, maxCommandOutput)
	}
	snap, err := c.parse(bytes.TrimSpace(stdout.Bytes()))
	if err != nil {
		return Snapshot{}, fmt.Errorf("command %q: %w", c.Command, err)
	}
	snap.Attributed = a.Canary != "" && strings.Contains(c.Command, "IDEMCHECK_CANARY")
	return snap, nil
}

// parse reads the output: a bare number, or JSON with the number or array
// at Pointer.
func (c *CommandObserver) parse(out []byte) (Snapshot, error) {
	if c.Pointer == "" {
		if n, err := strconv.Atoi(string(out)); err == nil {
			return Snapshot{Count: n}, nil
		}
	}
	var v any
	if err := unmarshalJSON(out, &v); err != nil { // jsonnum.go: numbers stay exact
		return Snapshot{}, fmt.Errorf("output is neither a number nor JSON: %q", capString(string(out), 80))
	}
	at, ok := resolvePointer(v, c.Pointer)
	if !ok {
		return Snapshot{}, fmt.Errorf("pointer %s resolves to nothing in the output (%s)", c.Pointer, shape(v))
	}
	switch t := at.(type) {
	case json.Number:
		n, err := countOf(t)
		return Snapshot{Count: n}, err
	case []any:
		items := toItems(t)
		return Snapshot{Count: len(items), Items: items}, nil
	}
	return Snapshot{}, fmt.Errorf("pointer %q is %s, not a number or an array", c.Pointer, kindOf(at))
}

// capped is a buffer that keeps at most maxCommandOutput bytes and says
// whether more came.
type capped struct {
	bytes.Buffer
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := maxCommandOutput - c.Len(); len(p) > room {
		c.over = true
		c.Buffer.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return c.Buffer.Write(p)
}
