package config

import (
	"fmt"
	"strings"

	yaml "github.com/oasdiff/yaml3"

	"github.com/idemcheck/idemcheck/openapi"
)

// operations reads the operations section: a mapping from operation name
// to its settings.
func (p *parser) operations(n *yaml.Node) {
	m := p.mapping(n, "operations")
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		name := p.nonEmpty(k, "an operation name")
		for _, o := range p.cfg.Operations {
			if normalize(o.Name) == normalize(name) {
				p.fail(k, "operation %q is configured twice (first at line %d)", name, o.Line)
			}
		}
		op := Operation{Name: name, Line: k.Line}
		where := "operations." + name
		if deref(v).Kind == yaml.ScalarNode && deref(v).Tag == "!!null" {
			p.cfg.Operations = append(p.cfg.Operations, op) // "createPayment:" alone
			continue
		}
		p.keys(p.mapping(v, where), where, map[string]func(k, v *yaml.Node){
			"body": func(_, v *yaml.Node) {
				op.Body, op.HasBody = p.value(v, 0), true
			},
			"path_params": func(_, v *yaml.Node) {
				pm := p.mapping(v, where+".path_params")
				op.PathParams = map[string]string{}
				for j := 0; j+1 < len(pm.Content); j += 2 {
					pk := p.nonEmpty(pm.Content[j], "a path parameter name")
					if _, dup := op.PathParams[pk]; dup {
						p.fail(pm.Content[j], "duplicate path parameter %q", pk)
					}
					if _, dup := op.PathLinks[pk]; dup {
						p.fail(pm.Content[j], "duplicate path parameter %q", pk)
					}
					if deref(pm.Content[j+1]).Kind == yaml.MappingNode {
						if op.PathLinks == nil {
							op.PathLinks = map[string]PathLink{}
						}
						op.PathLinks[pk] = p.pathLink(pm.Content[j+1], where+".path_params."+pk)
						continue
					}
					op.PathParams[pk] = p.nonEmpty(pm.Content[j+1], "path parameter "+pk)
				}
			},
			"ignore_fields": func(_, v *yaml.Node) {
				for _, e := range p.list(v, where+".ignore_fields") {
					ptr := p.pointer(e, "ignore_fields entry")
					if ptr == "" {
						p.fail(e, "ignore_fields entry must not be empty (that would ignore the whole body)")
					}
					op.IgnoreFields = append(op.IgnoreFields, ptr)
				}
			},
			"key": func(k, v *yaml.Node) { op.Key = p.key(k, v, where+".key") },
			"error_body": func(_, v *yaml.Node) {
				op.ErrorBody, op.HasErrorBody = p.value(v, 0), true
			},
			"expect": func(_, v *yaml.Node) {
				em := p.mapping(v, where+".expect")
				for j := 0; j+1 < len(em.Content); j += 2 {
					name := p.nonEmpty(em.Content[j], "an expectation name")
					op.Expect = append(op.Expect, Expectation{Name: name, Value: p.value(em.Content[j+1], 0), Line: em.Content[j].Line})
				}
			},
		})
		p.cfg.Operations = append(p.cfg.Operations, op)
	}
}

// pathLink reads {from: OPERATION, pointer: /id}: a path parameter taken
// from another operation's response.
func (p *parser) pathLink(n *yaml.Node, where string) PathLink {
	var l PathLink
	p.keys(p.mapping(n, where), where, map[string]func(k, v *yaml.Node){
		"from":    func(_, v *yaml.Node) { l.From = p.nonEmpty(v, where+".from") },
		"pointer": func(_, v *yaml.Node) { l.Pointer = p.pointer(v, where+".pointer") },
	})
	if l.From == "" {
		p.fail(n, "%s needs from: the operation whose response holds the value", where)
	}
	l.Line = n.Line
	return l
}

// key reads {header: NAME} or {field: NAME}, optionally required: true,
// and format: uuid|ulid|hex (alone, it keeps the detected location).
func (p *parser) key(at, n *yaml.Node, where string) *Key {
	k := &Key{}
	p.keys(p.mapping(n, where), where, map[string]func(k, v *yaml.Node){
		"header":   func(_, v *yaml.Node) { k.Header = p.nonEmpty(v, where+".header") },
		"field":    func(_, v *yaml.Node) { k.Field = p.nonEmpty(v, where+".field") },
		"required": func(_, v *yaml.Node) { k.Required = p.boolean(v, where+".required") },
		"format": func(_, v *yaml.Node) {
			k.Format = p.nonEmpty(v, where+".format")
			if !contains(openapi.KeyFormats, k.Format) {
				p.fail(v, "%s.format %q is not a key format (known: %s)", where, k.Format, strings.Join(openapi.KeyFormats, ", "))
			}
		},
	})
	switch {
	case k.Header != "" && k.Field != "":
		p.fail(at, "%s needs exactly one of header or field", where)
	case k.Header == "" && k.Field == "" && (k.Format == "" || k.Required):
		p.fail(at, "%s needs exactly one of header or field", where)
	}
	if strings.ContainsAny(k.Header, " \t:") {
		p.fail(at, "%s.header %q is not a header name", where, k.Header)
	}
	return k
}

// observers reads the observers section: a list of observer mappings.
func (p *parser) observers(n *yaml.Node) {
	for _, item := range p.list(n, "observers") {
		m := p.mapping(item, "an observer")
		ob := Observer{Line: m.Line}
		where := fmt.Sprintf("observers[%d]", len(p.cfg.Observers))
		var timeoutAt, pointerAt *yaml.Node
		p.keys(m, where, map[string]func(k, v *yaml.Node){
			"name": func(_, v *yaml.Node) { ob.Name = p.nonEmpty(v, where+".name") },
			"operations": func(_, v *yaml.Node) {
				for _, e := range p.list(v, where+".operations") {
					ob.Operations = append(ob.Operations, p.nonEmpty(e, "an operation name"))
					ob.OperationLines = append(ob.OperationLines, e.Line)
				}
			},
			"get":     func(_, v *yaml.Node) { ob.Get = p.path(v, where+".get") },
			"pointer": func(k, v *yaml.Node) { ob.Pointer, pointerAt = p.pointer(v, where+".pointer"), k },
			"command": func(_, v *yaml.Node) { ob.Command = p.nonEmpty(v, where+".command") },
			"timeout": func(k, v *yaml.Node) { ob.Timeout, timeoutAt = p.duration(v, where+".timeout"), k },
			"collection": func(_, v *yaml.Node) {
				c := &Collection{}
				cw := where + ".collection"
				p.keys(p.mapping(v, cw), cw, map[string]func(k, v *yaml.Node){
					"get":     func(_, v *yaml.Node) { c.Get = p.path(v, cw+".get") },
					"pointer": func(_, v *yaml.Node) { c.Pointer = p.pointer(v, cw+".pointer") },
				})
				if c.Get == "" {
					p.fail(v, "%s needs get: the list's path", cw)
				}
				ob.Collection = c
			},
		})
		if ob.Name == "" {
			p.fail(m, "%s needs a name", where)
		}
		where = fmt.Sprintf("observer %q", ob.Name)
		for _, o := range p.cfg.Observers {
			if o.Name == ob.Name {
				p.fail(m, "%s is declared twice (first at line %d)", where, o.Line)
			}
		}
		if len(ob.Operations) == 0 {
			p.fail(m, "%s needs operations: the operations whose side effects it observes", where)
		}
		kinds := 0
		for _, set := range []bool{ob.Get != "", ob.Collection != nil, ob.Command != ""} {
			if set {
				kinds++
			}
		}
		switch {
		case kinds != 1:
			p.fail(m, "%s needs exactly one of get (with pointer), collection or command", where)
		case ob.Get != "" && ob.Pointer == "":
			p.fail(m, "%s needs pointer: the JSON pointer to the number or array in GET %s", where, ob.Get)
		case ob.Collection != nil && pointerAt != nil:
			p.fail(pointerAt, "%s: put the pointer inside collection", where)
		case timeoutAt != nil && ob.Command == "":
			p.fail(timeoutAt, "%s: timeout applies to command observers only", where)
		}
		p.cfg.Observers = append(p.cfg.Observers, ob)
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
