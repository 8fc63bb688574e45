package main

import (
	"net/http"
	"sync/atomic"
)

// countingHandler counts the requests that reach next.
type countingHandler struct {
	next http.Handler
	n    atomic.Int64
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	c.next.ServeHTTP(w, r)
}
