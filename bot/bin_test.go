package bot

import "testing"

func TestCheckBIN(t *testing.T) {
	tests := []struct {
		in, problem string
	}{
		{"040340002192", ""},   // the first weights give the check digit
		{"0403 4000 2192", ""}, // spaces are allowed
		{"000740001307", ""},   // the first sum is 10: the second weights give it
		{"040340002197", "bin_check"},
		{"12345678901", "bin_not_12"},
		{"12345678901X", "bin_not_12"},
		{"", "bin_not_12"},
	}
	for _, tt := range tests {
		if _, got := checkBIN(tt.in); got != tt.problem {
			t.Errorf("checkBIN(%q) = %q, want %q", tt.in, got, tt.problem)
		}
	}
}

// TestCheckBINSecondWeights covers numbers whose first weighted sum is 10.
func TestCheckBINSecondWeights(t *testing.T) {
	found := 0
	for n := 0; n < 200000 && found < 3; n++ {
		digits := []byte("950101300000")
		for i, v := 10, n; i >= 6; i, v = i-1, v/10 {
			digits[i] = byte('0' + v%10)
		}
		first := 0
		for i := range 11 {
			first += int(digits[i]-'0') * (i + 1)
		}
		if first%11 != 10 {
			continue
		}
		second := 0
		for i, w := range []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2} {
			second += int(digits[i]-'0') * w
		}
		if second%11 == 10 {
			digits[11] = '0'
			if _, p := checkBIN(string(digits)); p != "bin_check" {
				t.Errorf("%s: both sums 10, want it refused", digits)
			}
			continue
		}
		digits[11] = byte('0' + second%11)
		if _, p := checkBIN(string(digits)); p != "" {
			t.Errorf("%s: valid by the second weights, got %q", digits, p)
		}
		found++
	}
	if found == 0 {
		t.Fatal("found no number needing the second weights")
	}
}
