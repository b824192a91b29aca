package bot

import "strings"

// checkBIN checks a Kazakh business identification number (BIN, or an
// individual's IIN, which has the same form): 12 digits, the last a check
// digit. The check digit is the sum of the first 11 digits weighted 1…11,
// modulo 11; when that is 10, the weights 3…11, 1, 2 are used instead; when
// that is 10 too, the number is not valid. It returns the number without
// spaces, and the key of a text saying what is wrong, or "".
func checkBIN(s string) (bin, problem string) {
	bin = strings.Join(strings.Fields(s), "")
	if len(bin) != 12 || strings.Trim(bin, "0123456789") != "" {
		return bin, "bin_not_12"
	}
	d := make([]int, 12)
	for i, r := range bin {
		d[i] = int(r - '0')
	}
	sum := func(first int) int {
		s := 0
		for i := range 11 {
			w := (first+i-1)%11 + 1
			s += d[i] * w
		}
		return s % 11
	}
	c := sum(1)
	if c == 10 {
		c = sum(3)
	}
	if c == 10 || c != d[11] {
		return bin, "bin_check"
	}
	return bin, ""
}
