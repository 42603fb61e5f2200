package httpapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

var (
	rawMessageType = reflect.TypeOf(json.RawMessage{})
	timeType       = reflect.TypeOf(time.Time{})
	marshalerType  = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
)

// schemaOf derives the OpenAPI schema of a response or request body from
// the Go value the handler writes or decodes: the JSON names from the
// struct tags, embedded structs flattened, pointers nullable. Types with
// their own JSON form (e.g. assess.Points, written as a decimal number) are
// numbers; fields named *_on, from, to or date are dates.
func schemaOf(v any) map[string]any {
	return schemaOfType(reflect.TypeOf(v), "", 0)
}

func schemaOfType(t reflect.Type, name string, depth int) map[string]any {
	if depth > 8 {
		return map[string]any{"type": "object"}
	}
	nullable := false
	for t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	s := map[string]any{}
	switch {
	case t == rawMessageType:
		s["type"] = "object"
	case t == timeType:
		s["type"], s["format"] = "string", "date-time"
	case t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType):
		s["type"] = "number"
	default:
		switch t.Kind() {
		case reflect.Bool:
			s["type"] = "boolean"
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			s["type"] = "integer"
		case reflect.Float32, reflect.Float64:
			s["type"] = "number"
		case reflect.String:
			s["type"] = "string"
			if isDateName(name) {
				s["format"] = "date"
			}
		case reflect.Slice, reflect.Array:
			s["type"], s["items"] = "array", schemaOfType(t.Elem(), "", depth+1)
		case reflect.Map:
			s["type"], s["additionalProperties"] = "object", schemaOfType(t.Elem(), "", depth+1)
		case reflect.Struct:
			props := map[string]any{}
			addFields(t, props, depth)
			s["type"], s["properties"] = "object", props
		default:
			s["type"] = "object"
		}
	}
	if nullable {
		s["nullable"] = true
	}
	return s
}

func addFields(t reflect.Type, props map[string]any, depth int) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(ft, props, depth)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOfType(f.Type, name, depth+1)
	}
}

func isDateName(n string) bool {
	return strings.HasSuffix(n, "_on") || n == "from" || n == "to" || n == "date" || n == "as_of" || n == "on" || n == "deadline"
}
