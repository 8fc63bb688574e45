package cmd

import "fmt"

// evidenceFlag is --evidence: "bounded" (the default) or "full".
type evidenceFlag struct{ full *bool }

func (f evidenceFlag) String() string {
	if f.full != nil && *f.full {
		return "full"
	}
	return "bounded"
}

func (f evidenceFlag) Set(s string) error {
	switch s {
	case "bounded":
		*f.full = false
	case "full":
		*f.full = true
	default:
		return fmt.Errorf("want bounded or full, got %q", s)
	}
	return nil
}

func (f evidenceFlag) Type() string { return "bounded|full" }
