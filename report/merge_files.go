package report

// MergeFiles reads the JSON reports of the shards of one run (paths) and
// merges them (Merge); with a baseline file, its accepted findings are
// applied to the merged run.
func MergeFiles(paths []string, baseline string) (*Run, error) {
	var runs []*Run
	for _, path := range paths {
		run, err := ReadJSONFile(path)
		if err != nil {
			return nil, err
		}
		runs = append(runs, run)
	}
	run, err := Merge(runs...)
	if err != nil {
		return nil, err
	}
	if baseline != "" {
		b, err := LoadBaseline(baseline)
		if err != nil {
			return nil, err
		}
		ApplyBaseline(run, b, baseline)
	}
	return run, nil
}
