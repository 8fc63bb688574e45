package report

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
)

// Format is one report format. Formats lists them, and everything that
// offers reports reads that table: the flags of check and merge, the paths
// checked before a run (Outputs.Check), the writers (Outputs.Write) and
// the demo's files (InDir). A new format is its writer's file and one
// entry here (and its golden file, testdata/report<Ext>).
type Format struct {
	Name string // in messages: "JSON report: …"
	Flag string // the flag naming its file: --json FILE
	// Help says what the flag writes; "('-' for stdout)" is added when
	// Stdout is true.
	Help string
	Ext  string // how its file's name ends beside the others: ".junit.xml"
	// Stdout is whether the report may go to standard output ("-").
	Stdout bool
	// Write writes run in the format, with the formats' options in o.
	Write func(w io.Writer, run *Run, o Outputs) error
}

// formats are the report formats, in the order they are written.
var formats = []Format{
	{"JUnit", "junit", "write a JUnit XML report to FILE", ".junit.xml", true, func(w io.Writer, run *Run, o Outputs) error {
		return JUnitOptions{OmitPositions: o.JUnitNoPositions}.Write(w, run)
	}},
	{"JSON", "json", "write a JSON report to FILE", ".json", true, func(w io.Writer, run *Run, o Outputs) error {
		return JSONOptions{FullEvidence: o.FullEvidence}.Write(w, run)
	}},
	{"Markdown", "markdown", "write a Markdown review report to FILE", ".md", true, plain(WriteMarkdown)},
	{"HTML", "html", "write a self-contained HTML review report to FILE", ".html", true, plain(WriteHTML)},
	{"SARIF", "sarif", "write a SARIF 2.1.0 log to FILE, for GitHub code scanning", ".sarif", true, plain(WriteSARIF)},
}

// plain is the Write of a format without options.
func plain(write func(io.Writer, *Run) error) func(io.Writer, *Run, Outputs) error {
	return func(w io.Writer, run *Run, _ Outputs) error { return write(w, run) }
}

// Formats returns every report format, in the order they are written.
func Formats() []Format { return slices.Clone(formats) }

// FlagHelp is the help of the format's flag.
func (f Format) FlagHelp() string {
	if f.Stdout {
		return f.Help + " ('-' for stdout)"
	}
	return f.Help
}

// InDir asks for every format, in dir, each named base plus its Ext
// (payments.json, payments.junit.xml, …), as the demo writes them.
func InDir(dir, base string) Outputs {
	o := Outputs{Paths: map[string]string{}}
	for _, f := range formats {
		o.Paths[f.Flag] = filepath.Join(dir, base+f.Ext)
	}
	return o
}

// PathFlag is the command-line flag of f: a flag.Value (pflag's too) that
// sets f's path in o.
func (o *Outputs) PathFlag(f Format) *PathFlag { return &PathFlag{o: o, flag: f.Flag} }

// PathFlag sets one format's path in Outputs; see Outputs.PathFlag.
type PathFlag struct {
	o    *Outputs
	flag string
}

func (p *PathFlag) String() string { return p.o.Paths[p.flag] }
func (p *PathFlag) Type() string   { return "string" }

func (p *PathFlag) Set(path string) error {
	if p.o.Paths == nil {
		p.o.Paths = map[string]string{}
	}
	p.o.Paths[p.flag] = path
	return nil
}

// EvidenceFlag is --evidence: "bounded" (the default) or "full", which
// sets o.FullEvidence; a flag.Value (pflag's too).
func (o *Outputs) EvidenceFlag() *EvidenceFlag { return &EvidenceFlag{full: &o.FullEvidence} }

// EvidenceFlag sets Outputs.FullEvidence; see Outputs.EvidenceFlag.
type EvidenceFlag struct{ full *bool }

func (f *EvidenceFlag) Type() string { return "bounded|full" }

func (f *EvidenceFlag) String() string {
	if f.full != nil && *f.full {
		return "full"
	}
	return "bounded"
}

func (f *EvidenceFlag) Set(s string) error {
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
