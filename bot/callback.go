package bot

import (
	"errors"
	"strconv"
	"strings"
)

// Callback data is short, versioned and parsed here only: "v1:lang:kk",
// "v1:take:42". It is never trusted: handlers check in the database that
// the user who pressed the button may do what it says.
const callbackVersion = "v1"

var errBadCallback = errors.New("bad callback data")

// callback is parsed callback data.
type callback struct {
	action string
	args   []string
}

func callbackData(action string, args ...string) string {
	return strings.Join(append([]string{callbackVersion, action}, args...), ":")
}

func parseCallback(data string) (callback, error) {
	parts := strings.Split(data, ":")
	if len(parts) < 2 || parts[0] != callbackVersion || parts[1] == "" {
		return callback{}, errBadCallback
	}
	return callback{action: parts[1], args: parts[2:]}, nil
}

// arg returns the i-th argument, or "".
func (c callback) arg(i int) string {
	if i < len(c.args) {
		return c.args[i]
	}
	return ""
}

// intArg returns the i-th argument as a positive number.
func (c callback) intArg(i int) (int64, error) {
	n, err := strconv.ParseInt(c.arg(i), 10, 64)
	if err != nil || n <= 0 {
		return 0, errBadCallback
	}
	return n, nil
}
