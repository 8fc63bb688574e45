package openapi

import (
	"context"
	"testing"
)

// TestPruneKeepsWhatPlansRead pins what Load drops from a single-file
// document before kin-openapi reads it, and what it keeps.
func TestPruneKeepsWhatPlansRead(t *testing.T) {
	data := `openapi: 3.0.3
info: {title: prune, version: "1"}
paths:
  /things:
    get:
      parameters: [{$ref: '#/components/parameters/Limit'}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/List'}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Create'}}}}
      responses:
        "201":
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
          links: {items: {operationId: addItem, parameters: {thing: $response.body#/id}}}
        "402": {$ref: '#/components/responses/Declined'}
components:
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer}}
  responses:
    Declined:
      description: declined
      content: {application/json: {schema: {$ref: '#/components/schemas/Error'}, examples: {declined: {value: {code: x}}}}}
  schemas:
    Create: {type: object, properties: {item: {$ref: '#/components/schemas/Item'}}}
    Item: {type: string}
    Thing: {type: object, properties: {id: {type: string}, owner: {$ref: '#/components/schemas/Owner'}, note: {type: string}}}
    Owner: {type: object, properties: {id: {type: string}, name: {type: string}}}
    List: {type: array}
    Error: {type: object}
`
	doc, err := LoadData(context.Background(), []byte(data), "")
	if err != nil {
		t.Fatal(err)
	}
	things := doc.T.Paths.Value("/things")
	// A GET keeps its required parameters (none here) and the shape of its
	// 2xx response (a planned read: prune_reads.go), no $ref.
	if things.Get == nil || things.Get.Parameters != nil || things.Get.Responses != nil {
		t.Fatalf("GET kept as %+v, want present, without its optional parameter and its responses", things.Get)
	}
	if sh := getShape(things.Get, "/things"); sh.kind != shapeList || sh.why != "the 2xx response is an array" {
		t.Errorf("GET's kept shape reads as %+v, want a top-level array", sh)
	}
	// A create's 2xx response keeps its links and, of its schema, what
	// names the created resource (chaining, idpointer.go): its properties,
	// the objects among them typed, an envelope's properties too (not
	// here: the thing has an id of its own); nothing else, no $ref.
	created := things.Post.Responses.Value("201").Value
	if created.Links["items"] == nil {
		t.Errorf("a create's response link dropped")
	}
	if mt := created.Content.Get("application/json"); mt == nil || mt.Schema == nil || mt.Schema.Ref != "" ||
		len(mt.Schema.Value.Properties) != 3 || mt.Schema.Value.Properties["note"].Value.Type != nil || // a scalar leaf: untyped
		schemaType(mt.Schema.Value.Properties["owner"].Value) != "object" || mt.Schema.Value.Properties["owner"].Value.Properties != nil {
		t.Errorf("create's response schema kept as %+v; want its properties with their types, the owner a leaf (the thing has an id of its own)", mt)
	}
	declined := things.Post.Responses.Value("402").Value.Content.Get("application/json")
	if declined == nil || declined.Examples["declined"] == nil {
		t.Errorf("named response example dropped")
	}
	if got, want := sortedKeys(doc.T.Components.Schemas), []string{"Create", "Item"}; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("schemas kept = %v, want %v", got, want)
	}
	if doc.T.Components.Parameters["Limit"] != nil {
		t.Errorf("a parameter only a GET used was kept")
	}

	// A $ref into paths (not into components) leaves the document whole.
	whole := data + "    Ptr: {$ref: '#/paths/~1things/post/requestBody/content/application~1json/schema'}\n"
	doc, err = LoadData(context.Background(), []byte(whole), "")
	if err != nil {
		t.Fatal(err)
	}
	if doc.T.Components.Schemas["List"] == nil || doc.T.Paths.Value("/things").Get.Responses == nil {
		t.Errorf("pruned although a $ref points into paths")
	}
}
