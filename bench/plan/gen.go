package main

import (
	"bufio"
	"fmt"
	"io"
)

// opsPerResource is how many operations one generated resource has: a
// keyed POST with a request body, its GET list, a GET by id and a DELETE.
const opsPerResource = 4

// generate writes an OpenAPI 3.0 document in YAML with about ops
// operations (rounded up to whole resources) to w. Every resource has its
// own $ref'd create and read schemas, which share a line item schema, a
// keyed POST and a GET list, like a large real API.
func generate(w io.Writer, ops int) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	n := (ops + opsPerResource - 1) / opsPerResource
	fmt.Fprint(bw, `openapi: 3.0.3
info:
  title: generated
  version: "1"
  description: A generated API for the plan benchmark. Idempotency keys are kept for 24 hours.
paths:
`)
	for i := range n {
		fmt.Fprintf(bw, resourcePaths, i)
	}
	fmt.Fprint(bw, components)
	for i := range n {
		fmt.Fprintf(bw, resourceSchemas, i)
	}
	return bw.Flush()
}

// resourcePaths is the path items of resource %[1]d.
const resourcePaths = `  /v1/things%[1]d:
    get:
      operationId: listThings%[1]d
      summary: List things of kind %[1]d
      description: Returns a page of things of kind %[1]d, newest first.
      tags: [things%[1]d]
      parameters:
        - $ref: '#/components/parameters/Limit'
        - $ref: '#/components/parameters/StartingAfter'
      responses:
        '200':
          description: A page of things.
          content:
            application/json:
              schema:
                type: object
                required: [data, has_more]
                properties:
                  data:
                    type: array
                    items: {$ref: '#/components/schemas/Thing%[1]d'}
                  has_more: {type: boolean}
        default: {$ref: '#/components/responses/Error'}
    post:
      operationId: createThing%[1]d
      summary: Create a thing of kind %[1]d
      description: Creates a thing. Retry with the same Idempotency-Key to get the stored result.
      tags: [things%[1]d]
      parameters:
        - $ref: '#/components/parameters/IdempotencyKey'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing%[1]dCreate'}
            example:
              amount: 1200
              currency: EUR
              customer: cus_0001
              description: first thing
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing%[1]d'}
              example:
                id: thg_0001
                amount: 1200
                currency: EUR
                customer: cus_0001
                description: first thing
                capture: true
                status: succeeded
                created: 1700000000
                livemode: false
                metadata: {order: "6735"}
        '409': {$ref: '#/components/responses/Error'}
        default: {$ref: '#/components/responses/Error'}
  /v1/things%[1]d/{id}:
    parameters:
      - name: id
        in: path
        required: true
        schema: {type: string, pattern: '^thg_[a-z0-9]+$', example: thg_0001}
    get:
      operationId: getThing%[1]d
      summary: Read a thing of kind %[1]d
      responses:
        '200':
          description: The thing.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing%[1]d'}
              example:
                id: thg_0001
                amount: 1200
                currency: EUR
                customer: cus_0001
                description: first thing
                capture: true
                status: succeeded
                created: 1700000000
                livemode: false
                metadata: {order: "6735"}
        default: {$ref: '#/components/responses/Error'}
    delete:
      operationId: deleteThing%[1]d
      summary: Delete a thing of kind %[1]d
      responses:
        '204': {description: Deleted.}
        default: {$ref: '#/components/responses/Error'}
`

// components are the parts every resource shares.
const components = `components:
  parameters:
    IdempotencyKey:
      name: Idempotency-Key
      in: header
      required: true
      description: A unique key; a retry with the same key returns the stored result.
      schema: {type: string, maxLength: 255}
    Limit:
      name: limit
      in: query
      schema: {type: integer, minimum: 1, maximum: 100, default: 10}
    StartingAfter:
      name: starting_after
      in: query
      schema: {type: string}
  responses:
    Error:
      description: An error.
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
  schemas:
    Error:
      type: object
      required: [code, message]
      properties:
        code: {type: string}
        message: {type: string}
    LineItem:
      type: object
      required: [sku, quantity]
      properties:
        sku: {type: string, minLength: 3, maxLength: 32}
        quantity: {type: integer, minimum: 1, maximum: 1000}
        unit_amount: {type: integer, minimum: 0}
`

// resourceSchemas is the create and read schemas of resource %[1]d.
const resourceSchemas = `    Thing%[1]dCreate:
      type: object
      description: What a client sends to create a thing of kind %[1]d.
      required: [amount, currency]
      properties:
        amount:
          type: integer
          minimum: 1
          maximum: 100000000
          description: The amount in the smallest unit of the currency, e.g. cents.
        currency:
          type: string
          enum: [EUR, USD, GBP]
          description: The three-letter ISO 4217 code of the currency, upper case.
        customer:
          type: string
          pattern: '^cus_[a-z0-9]+$'
          description: The customer this thing belongs to.
        description:
          type: string
          maxLength: 500
          description: A free-form text shown to the customer.
        statement_descriptor:
          type: string
          maxLength: 22
          description: The text on the customer's statement.
        capture:
          type: boolean
          default: true
          description: Whether to capture the amount at once.
        shipping:
          type: object
          description: Where the thing is shipped to.
          required: [name, address]
          properties:
            name: {type: string, maxLength: 200, description: The recipient's name.}
            phone: {type: string, maxLength: 32, description: The recipient's phone number.}
            address:
              type: object
              required: [line1, country]
              properties:
                line1: {type: string, maxLength: 200, description: Street and number.}
                line2: {type: string, maxLength: 200, description: 'Apartment, suite or floor.'}
                city: {type: string, maxLength: 100, description: City or town.}
                postal_code: {type: string, maxLength: 16, description: ZIP or postal code.}
                country: {type: string, pattern: '^[A-Z]{2}$', description: Two-letter ISO 3166 code.}
        items:
          type: array
          maxItems: 50
          description: The line items of the thing.
          items: {$ref: '#/components/schemas/LineItem'}
        metadata:
          type: object
          description: Key-value pairs the client can attach; up to 50 keys.
          additionalProperties: {type: string, maxLength: 500}
    Thing%[1]d:
      description: A thing of kind %[1]d, as the server stores it.
      allOf:
        - $ref: '#/components/schemas/Thing%[1]dCreate'
        - type: object
          required: [id, created, status]
          properties:
            id: {type: string, readOnly: true, description: The unique identifier of the thing.}
            created: {type: integer, format: int64, readOnly: true, description: Unix time of creation.}
            status:
              type: string
              enum: [pending, succeeded, failed, canceled]
              readOnly: true
              description: Where the thing is in its life cycle.
            livemode: {type: boolean, readOnly: true, description: Whether the thing exists in live mode.}
`
