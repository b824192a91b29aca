package fake

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// api.json is the machine-readable Bot API description; see spec/LICENSE.
//
//go:embed spec/api.json
var apiJSON []byte

// legacyParams are parameters that go-telegram-bot-api v5.5.1 still sends and
// Telegram still accepts, though the current documentation no longer lists
// them (see the spec's README).
var legacyParams = map[string]bool{
	"reply_to_message_id":         true,
	"allow_sending_without_reply": true,
	"disable_web_page_preview":    true,
	"thumb":                       true,
}

type apiField struct {
	Name        string   `json:"name"`
	Types       []string `json:"types"`
	Required    bool     `json:"required"`
	Description string   `json:"description"`
}

type apiObject struct {
	Name     string     `json:"name"`
	Fields   []apiField `json:"fields"`
	Subtypes []string   `json:"subtypes"`
}

type apiSpec struct {
	Version string                `json:"version"`
	Methods map[string]*apiObject `json:"methods"`
	Types   map[string]*apiObject `json:"types"`
}

var (
	specOnce sync.Once
	spec     *apiSpec
)

func loadSpec() *apiSpec {
	specOnce.Do(func() {
		spec = new(apiSpec)
		if err := json.Unmarshal(apiJSON, spec); err != nil {
			panic("fake: spec/api.json: " + err.Error())
		}
	})
	return spec
}

// checkRequest checks a call against the Bot API description: the method
// exists, every required parameter is present, no unknown parameter is sent,
// and every value has one of the listed types. files names the parameters
// sent as uploaded files.
func checkRequest(method string, params map[string]string, files map[string]bool) []string {
	s := loadSpec()
	m, ok := s.Methods[method]
	if !ok {
		return []string{fmt.Sprintf("%s: no such method in %s", method, s.Version)}
	}
	var problems []string
	known := map[string]bool{}
	for _, f := range m.Fields {
		known[f.Name] = true
		v, present := params[f.Name]
		if files[f.Name] {
			present = true
			if !contains(f.Types, "InputFile") {
				problems = append(problems, fmt.Sprintf("%s: %s: a file was uploaded but the parameter takes %s", method, f.Name, strings.Join(f.Types, " or ")))
			}
			continue
		}
		if !present {
			if f.Required {
				problems = append(problems, fmt.Sprintf("%s: required parameter %s is missing", method, f.Name))
			}
			continue
		}
		if v == "null" && !f.Required {
			// go-telegram-bot-api sends a nil slice as null (entities,
			// allowed_updates); Telegram takes that as not given.
			continue
		}
		if err := checkFormValue(s, f.Types, v); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s: %v", method, f.Name, err))
		}
	}
	for name := range params {
		if !known[name] && !legacyParams[name] {
			problems = append(problems, fmt.Sprintf("%s: unknown parameter %s", method, name))
		}
	}
	for name := range files {
		if !known[name] && !legacyParams[name] {
			problems = append(problems, fmt.Sprintf("%s: unknown file parameter %s", method, name))
		}
	}
	return problems
}

// checkFormValue checks a form value, which is plain text for scalars and
// JSON for objects and arrays, against a list of allowed types.
func checkFormValue(s *apiSpec, types []string, v string) error {
	var errs []string
	for _, t := range types {
		var err error
		switch t {
		case "String":
			return nil
		case "InputFile":
			// A file given by file_id or URL is a string; uploads are checked apart.
			return nil
		case "Integer":
			_, err = strconv.ParseInt(v, 10, 64)
		case "Float":
			_, err = strconv.ParseFloat(v, 64)
		case "Boolean":
			_, err = strconv.ParseBool(v)
		default:
			var j any
			if err = json.Unmarshal([]byte(v), &j); err == nil {
				err = checkJSON(s, t, j, 0)
			}
		}
		if err == nil {
			return nil
		}
		errs = append(errs, fmt.Sprintf("as %s: %v", t, err))
	}
	return fmt.Errorf("%q is none of the allowed types (%s)", v, strings.Join(errs, "; "))
}

var mustBe = regexp.MustCompile(`must be “?"?([a-z_]+)`)

// checkJSON checks a decoded JSON value against a type of the description.
func checkJSON(s *apiSpec, t string, v any, depth int) error {
	if depth > 10 {
		return fmt.Errorf("nested too deep")
	}
	if elem, ok := strings.CutPrefix(t, "Array of "); ok {
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("want a JSON array, got %s", jsonKind(v))
		}
		for i, e := range arr {
			if err := checkJSON(s, elem, e, depth+1); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		return nil
	}
	switch t {
	case "String", "InputFile":
		if _, ok := v.(string); !ok {
			return fmt.Errorf("want a string, got %s", jsonKind(v))
		}
		return nil
	case "Integer":
		n, ok := v.(float64)
		if !ok || n != float64(int64(n)) {
			return fmt.Errorf("want an integer, got %s", jsonKind(v))
		}
		return nil
	case "Float":
		if _, ok := v.(float64); !ok {
			return fmt.Errorf("want a number, got %s", jsonKind(v))
		}
		return nil
	case "Boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("want a boolean, got %s", jsonKind(v))
		}
		return nil
	}
	obj, ok := s.Types[t]
	if !ok {
		return fmt.Errorf("unknown type %s", t)
	}
	if len(obj.Subtypes) > 0 {
		var errs []string
		for _, sub := range obj.Subtypes {
			err := checkJSON(s, sub, v, depth+1)
			if err == nil {
				return nil
			}
			errs = append(errs, sub+": "+err.Error())
		}
		return fmt.Errorf("matches no kind of %s (%s)", t, strings.Join(errs, "; "))
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("want a %s object, got %s", t, jsonKind(v))
	}
	known := map[string]bool{}
	for _, f := range obj.Fields {
		known[f.Name] = true
		fv, present := m[f.Name]
		if !present {
			if f.Required {
				return fmt.Errorf("%s: required field %s is missing", t, f.Name)
			}
			continue
		}
		if err := checkAnyJSON(s, f.Types, fv, depth+1); err != nil {
			return fmt.Errorf("%s.%s: %w", t, f.Name, err)
		}
		// Kinds of a union say which they are in a field: "Scope type, must be chat".
		if f.Name == "type" || f.Name == "source" || f.Name == "status" {
			if want := mustBe.FindStringSubmatch(f.Description); want != nil && fv != want[1] {
				return fmt.Errorf("%s.%s: %v is not %q", t, f.Name, fv, want[1])
			}
		}
	}
	for name := range m {
		if !known[name] {
			return fmt.Errorf("%s: unknown field %s", t, name)
		}
	}
	return nil
}

func checkAnyJSON(s *apiSpec, types []string, v any, depth int) error {
	var errs []string
	for _, t := range types {
		err := checkJSON(s, t, v, depth)
		if err == nil {
			return nil
		}
		errs = append(errs, err.Error())
	}
	return fmt.Errorf("%s", strings.Join(errs, "; or "))
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// reactionEmoji is the emoji a bot may react with, as the description of
// ReactionTypeEmoji lists them.
var reactionEmoji = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	t := loadSpec().Types["ReactionTypeEmoji"]
	for _, f := range t.Fields {
		if f.Name == "emoji" {
			for _, m := range regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(f.Description, -1) {
				out[m[1]] = true
			}
		}
	}
	return out
})
