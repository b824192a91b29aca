package bot

import (
	"slices"
	"testing"
)

// Every command in a menu runs, and every command that runs is in the
// menu of the roles it is for.
func TestEveryCommandInAMenuHasAHandler(t *testing.T) {
	table := (&Bot{}).commandTable()
	var menus []string
	for _, c := range commandMenu("en", roles{expert: true, moderator: true, admin: true}) {
		menus = append(menus, c.Command)
		if table[c.Command] == nil {
			t.Errorf("/%s is in a menu but has no handler", c.Command)
		}
	}
	for name := range table {
		if !slices.Contains(menus, name) {
			t.Errorf("/%s has a handler but is in no menu", name)
		}
	}
}
