package openapi

// OperationNames lists every mutating operation of doc by the names a user
// may give it (its operationId, when it has one, and "METHOD /path"), in
// plan order, without planning them: the configuration file is checked
// against it, so a misspelt operation is an error, not a silent no-op.
func OperationNames(doc *Document) []string {
	if doc == nil || doc.T == nil {
		return nil
	}
	all, _ := selectOps(doc.T, nil)
	names := make([]string, 0, 2*len(all))
	for _, r := range all {
		if r.op.OperationID != "" {
			names = append(names, r.op.OperationID)
		}
		names = append(names, r.method+" "+r.path)
	}
	return names
}
