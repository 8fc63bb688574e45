package main

import (
	"encoding/json"
	"fmt"
)

// opsPerCollection are the operations of one collection: create, update
// and delete (mutating), list and read.
const opsPerCollection = 5

// spec returns the OpenAPI 3.0.3 document of an api with n collections, as
// JSON. Every POST requires an Idempotency-Key, as Stripe's do.
func spec(n int) ([]byte, error) {
	item := map[string]any{
		"type":     "object",
		"required": []string{"id", "object", "amount"},
		"properties": map[string]any{
			"id":          map[string]any{"type": "string"},
			"object":      map[string]any{"type": "string"},
			"amount":      map[string]any{"type": "integer"},
			"currency":    map[string]any{"type": "string"},
			"description": map[string]any{"type": "string", "nullable": true},
			"created":     map[string]any{"type": "integer"},
			"metadata":    map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
		},
	}
	create := map[string]any{
		"type":     "object",
		"required": []string{"amount", "currency"},
		"properties": map[string]any{
			"amount":      map[string]any{"type": "integer", "minimum": 1, "example": 2000},
			"currency":    map[string]any{"type": "string", "enum": []string{"usd", "eur"}, "example": "usd"},
			"customer":    map[string]any{"type": "string", "maxLength": 64, "example": "cus_0001"},
			"description": map[string]any{"type": "string", "maxLength": 500, "example": "Order 1042"},
		},
	}
	update := map[string]any{
		"type":     "object",
		"required": []string{"description"},
		"properties": map[string]any{
			"description": map[string]any{"type": "string", "maxLength": 500, "example": "Order 1042, gift wrapped"},
		},
	}
	key := []any{map[string]any{"$ref": "#/components/parameters/IdempotencyKey"}}
	idParam := map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}
	paths := map[string]any{}
	for i := range n {
		p := fmt.Sprintf("/v1/r%d", i)
		paths[p] = map[string]any{
			"post": map[string]any{
				"operationId": fmt.Sprintf("createR%d", i),
				"parameters":  key,
				"requestBody": jsonBody("#/components/schemas/Create"),
				"responses":   writeResponses(),
			},
			"get": map[string]any{
				"operationId": fmt.Sprintf("listR%d", i),
				"responses": map[string]any{"200": map[string]any{"description": "The objects, newest first.", "content": map[string]any{"application/json": map[string]any{
					"schema": map[string]any{"type": "object", "required": []string{"data"}, "properties": map[string]any{
						"object":   map[string]any{"type": "string"},
						"data":     map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/Item"}},
						"has_more": map[string]any{"type": "boolean"},
						"url":      map[string]any{"type": "string"},
					}},
				}}}},
			},
		}
		paths[p+"/{id}"] = map[string]any{
			"parameters": []any{idParam},
			"get": map[string]any{
				"operationId": fmt.Sprintf("getR%d", i),
				"responses": map[string]any{
					"200": itemResponse(),
					"404": map[string]any{"description": "No such object."},
				},
			},
			"post": map[string]any{
				"operationId": fmt.Sprintf("updateR%d", i),
				"parameters":  key,
				"requestBody": jsonBody("#/components/schemas/Update"),
				"responses":   writeResponses(),
			},
			"delete": map[string]any{
				"operationId": fmt.Sprintf("deleteR%d", i),
				"responses": map[string]any{
					"200": map[string]any{"description": "Deleted."},
					"404": map[string]any{"description": "No such object."},
				},
			},
		}
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "report benchmark", "version": "1.0.0"},
		"paths":   paths,
		"components": map[string]any{
			"schemas": map[string]any{"Item": item, "Create": create, "Update": update},
			"parameters": map[string]any{"IdempotencyKey": map[string]any{
				"name": "Idempotency-Key", "in": "header", "required": true,
				"description": "A unique key, 1 to 255 characters. Keys are scoped to the caller and the endpoint and retained for 24 hours.",
				"schema":      map[string]any{"type": "string", "minLength": 1, "maxLength": 255},
			}},
		},
	}
	return json.Marshal(doc)
}

func jsonBody(ref string) map[string]any {
	return map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{
		"schema": map[string]any{"$ref": ref},
	}}}
}

func itemResponse() map[string]any {
	return map[string]any{"description": "The object.", "content": map[string]any{"application/json": map[string]any{
		"schema": map[string]any{"$ref": "#/components/schemas/Item"},
	}}}
}

func writeResponses() map[string]any {
	return map[string]any{
		"200": itemResponse(),
		"400": map[string]any{"description": "Invalid request."},
		"404": map[string]any{"description": "No such object."},
		"409": map[string]any{"description": "A request with this key is in progress."},
		"422": map[string]any{"description": "The key was used with another request."},
	}
}
