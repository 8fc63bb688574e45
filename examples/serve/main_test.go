package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/idemcheck/idemcheck/examples"
	"github.com/idemcheck/idemcheck/examples/payments"
)

func TestRunRefusesExternalAddress(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
		msg  string
	}{
		{"external address", []string{"-addr", "0.0.0.0:0"}, 2, "not a loopback address"},
		{"unknown api", []string{"-api", "nope"}, 2, "unknown API"},
		{"bad flag", []string{"-nope"}, 2, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if got := run(tt.args, &out, &errOut); got != tt.want || !strings.Contains(errOut.String(), tt.msg) {
				t.Errorf("run(%q) = %d, stderr %q; want %d and %q", tt.args, got, errOut.String(), tt.want, tt.msg)
			}
		})
	}
}

func TestRunList(t *testing.T) {
	var out, errOut bytes.Buffer
	if got := run([]string{"-list"}, &out, &errOut); got != 0 || !strings.Contains(out.String(), "payments-check-then-act") {
		t.Errorf("run(-list) = %d, %q", got, out.String())
	}
}

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:1": true, "[::1]:80": true,
		":8080": false, "0.0.0.0:80": false, "10.0.0.1:80": false, "example.com:80": false, "nonsense": false,
	} {
		if err := checkLoopback(addr); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v", addr, err)
		}
	}
}

func TestHandlerPerVariant(t *testing.T) {
	for _, v := range examples.Variants() {
		if _, err := handler(v.Name, payments.Options{}); err != nil {
			t.Errorf("handler(%q): %v", v.Name, err)
		}
	}
}
