// Command idemcheck tests whether an HTTP API is really idempotent.
package main

import (
	"os"

	"github.com/idemcheck/idemcheck/cmd"
)

func main() { os.Exit(int(cmd.Main())) }
