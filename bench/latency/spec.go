package main

import (
	"encoding/json"
	"fmt"
)

// spec returns the OpenAPI 3.0.3 document of an api with n collections, as
// JSON: per collection a keyed POST createRI, its list GET and a GET by id.
func spec(n int) ([]byte, error) {
	item := map[string]any{
		"type":     "object",
		"required": []string{"id", "amount"},
		"properties": map[string]any{
			"id":          map[string]any{"type": "string"},
			"amount":      map[string]any{"type": "integer"},
			"description": map[string]any{"type": "string"},
		},
	}
	create := map[string]any{
		"type":                 "object",
		"required":             []string{"amount"},
		"additionalProperties": false,
		"properties": map[string]any{
			"amount":      map[string]any{"type": "integer", "minimum": 1, "example": 2000},
			"description": map[string]any{"type": "string", "maxLength": 500, "example": "Order 1042"},
		},
	}
	paths := map[string]any{}
	for i := range n {
		p := fmt.Sprintf("/r%d", i)
		paths[p] = map[string]any{
			"post": map[string]any{
				"operationId": fmt.Sprintf("createR%d", i),
				"parameters":  []any{map[string]any{"$ref": "#/components/parameters/IdempotencyKey"}},
				"requestBody": map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{
					"schema": map[string]any{"$ref": "#/components/schemas/Create"},
				}}},
				"responses": map[string]any{
					"201": json201("#/components/schemas/Item"),
					"400": map[string]any{"description": "Invalid request."},
					"409": map[string]any{"description": "A request with this key is in progress."},
					"422": map[string]any{"description": "The key was used with another request."},
				},
			},
			"get": map[string]any{
				"operationId": fmt.Sprintf("listR%d", i),
				"responses": map[string]any{"200": map[string]any{"description": "The items, newest first.", "content": map[string]any{"application/json": map[string]any{
					"schema": map[string]any{"type": "object", "required": []string{"data"}, "properties": map[string]any{
						"data":     map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/Item"}},
						"has_more": map[string]any{"type": "boolean"},
					}},
				}}}},
			},
		}
		paths[p+"/{id}"] = map[string]any{
			"get": map[string]any{
				"operationId": fmt.Sprintf("getR%d", i),
				"parameters":  []any{map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}},
				"responses": map[string]any{
					"200": json201("#/components/schemas/Item"),
					"404": map[string]any{"description": "Not found."},
				},
			},
		}
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "latency benchmark", "version": "1.0.0"},
		"paths":   paths,
		"components": map[string]any{
			"schemas": map[string]any{"Item": item, "Create": create},
			"parameters": map[string]any{"IdempotencyKey": map[string]any{
				"name": "Idempotency-Key", "in": "header", "required": true,
				"description": "A unique key, 1 to 255 characters. Keys are scoped to the caller and the endpoint and retained for 24 hours.",
				"schema":      map[string]any{"type": "string", "minLength": 1, "maxLength": 255},
			}},
		},
	}
	return json.Marshal(doc)
}

// json201 is a response with a JSON body of schema ref.
func json201(ref string) map[string]any {
	return map[string]any{"description": "The item.", "content": map[string]any{"application/json": map[string]any{
		"schema": map[string]any{"$ref": ref},
	}}}
}
