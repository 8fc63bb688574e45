package cmd

import (
	"fmt"
	"io"
)

// maxWarnings bounds the load warnings printed; the rest are counted.
const maxWarnings = 10

// printWarnings prints the first warnings of loading a document.
func printWarnings(w io.Writer, warnings []string) {
	for i, msg := range warnings {
		if i == maxWarnings {
			fmt.Fprintf(w, "warning: … and %d more\n", len(warnings)-maxWarnings)
			return
		}
		fmt.Fprintf(w, "warning: %s\n", msg)
	}
}
