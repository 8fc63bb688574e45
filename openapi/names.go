package openapi

import "strings"

// OperationName is what a user can call a mutating operation by: its
// operationId, when it has one, or "METHOD /path".
type OperationName struct {
	ID, Method, Path string
}

// NameOf is the name of a planned operation.
func NameOf(op *Operation) OperationName {
	return OperationName{ID: op.ID, Method: op.Method, Path: op.Path}
}

// Matches reports whether name, as a user wrote it, designates the
// operation: its operationId exactly, or "METHOD /path" with the method in
// any case and any spacing around the two. It is the one rule by which
// --operations, the configuration's operations and its observers are
// matched to the document.
func (n OperationName) Matches(name string) bool {
	name = strings.TrimSpace(name)
	if n.ID != "" && name == n.ID {
		return true
	}
	m, p, ok := strings.Cut(name, " ")
	return ok && strings.EqualFold(m, n.Method) && strings.TrimSpace(p) == n.Path
}

// Names are the names a user may give it: the operationId, if any, and
// "METHOD /path".
func (n OperationName) Names() []string {
	mp := n.Method + " " + n.Path
	if n.ID == "" {
		return []string{mp}
	}
	return []string{n.ID, mp}
}

// OperationNames lists every mutating operation of doc, in plan order,
// without planning them: the configuration file is checked against it, so a
// misspelt operation is an error, not a silent no-op.
func OperationNames(doc *Document) []OperationName {
	if doc == nil || doc.T == nil {
		return nil
	}
	all, _ := selectOps(doc.T, nil)
	names := make([]OperationName, 0, len(all))
	for _, r := range all {
		names = append(names, r.name())
	}
	return names
}

// name is how a user names r.
func (r opRef) name() OperationName {
	return OperationName{ID: r.op.OperationID, Method: r.method, Path: r.path}
}
