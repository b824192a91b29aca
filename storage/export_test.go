package storage

// ScrubForTest lets the tests of package storage_test call scrub.
var ScrubForTest = scrub
