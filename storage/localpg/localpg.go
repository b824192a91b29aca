// Package localpg starts a private PostgreSQL server in a directory of its
// own, listening only on a Unix socket there, for the sandbox: a machine
// with PostgreSQL's server programs installed and nothing configured gets a
// database in a few seconds, and nothing is left running afterwards.
package localpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Server is a running private PostgreSQL server.
type Server struct {
	dir  string
	bin  string
	cred *syscall.Credential // the user to run as: postgres when we are root
}

// Start initialises a cluster in dir (an empty or missing directory, or one
// Start used before) and starts it with fsync as given. Stop stops it.
func Start(ctx context.Context, dir string, fsync bool) (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, bin: bin}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("localpg: %w", err)
	}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root.
		if s.cred, err = postgresUser(); err != nil {
			return nil, err
		}
		if err := os.Chown(dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			return nil, fmt.Errorf("localpg: %w", err)
		}
	}
	data := filepath.Join(dir, "data")
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		if err := s.run(ctx, "initdb", "--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C.UTF-8", "-D", data); err != nil {
			return nil, err
		}
	}
	opts := fmt.Sprintf("-c listen_addresses='' -k %s -c fsync=%s", dir, map[bool]string{true: "on", false: "off"}[fsync])
	if err := s.run(ctx, "pg_ctl", "-D", data, "-l", filepath.Join(dir, "postgres.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		return nil, err
	}
	return s, nil
}

// DSN is the lib/pq connection string of the server's postgres database.
func (s *Server) DSN() string {
	return fmt.Sprintf("host=%s port=5432 user=postgres dbname=postgres sslmode=disable", s.dir)
}

// Restart stops the server, dropping its connections, and starts it again,
// waiting for it to accept connections.
func (s *Server) Restart(ctx context.Context) error {
	return s.run(ctx, "pg_ctl", "-D", filepath.Join(s.dir, "data"), "-l", filepath.Join(s.dir, "postgres.log"), "-m", "fast", "-w", "-t", "60", "restart")
}

// Stop stops the server, waiting for it to finish.
func (s *Server) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return s.run(ctx, "pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "fast", "-w", "stop")
}

// run runs one of PostgreSQL's programs as the cluster's owner.
func (s *Server) run(ctx context.Context, program string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, program), args...)
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(out.String())
		if log, _ := os.ReadFile(filepath.Join(s.dir, "postgres.log")); program == "pg_ctl" && len(log) > 0 {
			msg += "\n" + lastLines(string(log), 10)
		}
		return fmt.Errorf("localpg: %s: %w\n%s", program, err, msg)
	}
	return nil
}

// findBin finds the directory of the newest PostgreSQL server programs:
// Debian's /usr/lib/postgresql/N/bin, or initdb on PATH.
func findBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) < version(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("localpg: PostgreSQL's server programs (initdb, pg_ctl) are not installed: install Debian's postgresql package, or set DATABASE_URL")
}

// version is N of /usr/lib/postgresql/N/bin.
func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("localpg: running as root, and PostgreSQL must run as another user: %w", err)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
