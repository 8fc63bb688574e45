// Command serve runs one example API until interrupted:
//
//	go run ./examples/serve -api payments-check-then-act -addr 127.0.0.1:8080
//
// It listens on loopback only unless -allow-external is given: the examples
// accept money-moving requests from anyone who can reach them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/examples/payments"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	api := fs.String("api", "payments", "example API to serve (-list shows them)")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	raceWindow := fs.Duration("race-window", 0, "gap between check and act for payments-check-then-act (default 2ms)")
	latency := fs.Duration("latency", 0, "latency added before processing each request")
	external := fs.Bool("allow-external", false, "allow a non-loopback listen address")
	list := fs.Bool("list", false, "list the example APIs and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *list {
		for _, v := range examples.Variants() {
			fmt.Fprintf(stdout, "%-32s %s\n", v.Name, v.Description)
		}
		return 0
	}
	h, err := handler(*api, payments.Options{RaceWindow: *raceWindow, Latency: *latency})
	if err == nil && !*external {
		err = checkLoopback(*addr)
	}
	if err != nil {
		fmt.Fprintln(stderr, "serve:", err)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "serve:", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, Protocols: examples.Protocols()}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), examples.ShutdownTimeout)
		defer cancel()
		srv.Shutdown(shutdownCtx) //nolint:errcheck // Serve reports the outcome
	}()
	fmt.Fprintf(stdout, "serving %s at http://%s (Ctrl-C to stop)\n", *api, ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "serve:", err)
		return 1
	}
	return 0
}

// handler builds the named variant with opts (the catalog's handlers take no
// options, so the flaw is taken from the name).
func handler(name string, opts payments.Options) (http.Handler, error) {
	if _, ok := examples.Lookup(name); !ok {
		return nil, fmt.Errorf("unknown API %q (-list shows them)", name)
	}
	if strings.HasPrefix(name, "generic-") { // served from their documents; the payments options do not apply
		v, _ := examples.Lookup(name)
		return v.Handler(), nil
	}
	switch name { // correct variants, with another legitimate behaviour
	case "payments-waiting":
		opts.InFlight = payments.InFlightWait
		return payments.New(opts), nil
	case "payments-header-limit":
		opts.HeaderLimit = payments.DefaultHeaderLimit
		return payments.New(opts), nil
	}
	if name == "payments-uuid-keys" { // correct, refusing keys that are not UUIDs
		opts.UUIDKeys = true
		return payments.New(opts), nil
	}
	f, err := payments.ParseFlaw(strings.TrimPrefix(strings.TrimPrefix(name, "payments"), "-"))
	if err != nil {
		return nil, err
	}
	opts.Flaw = f
	return payments.New(opts), nil
}

// checkLoopback refuses addresses that are not a loopback IP or "localhost".
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad -addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("-addr %s is not a loopback address; pass -allow-external to listen on it", addr)
}
