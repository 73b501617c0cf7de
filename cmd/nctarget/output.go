package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// maxLinkHops bounds the symbolic links writeOutput follows, as the
// kernel's own limit does, so a link loop fails instead of spinning.
const maxLinkHops = 40

// writeOutput writes data to the output file the command line names,
// following the rules a user expects of -o, --out and fmt -w:
//
//   - "-" is standard output;
//   - a symbolic link is followed and its final target replaced, so the
//     link stays a link (fmt -w link.nct formats the file it points to);
//   - a regular file (or a name that does not exist yet) is replaced
//     atomically: a temporary file in the target's own directory, renamed
//     over it, with the old file's mode kept;
//   - a device, FIFO, socket or terminal (/dev/stdout, /dev/null, a named
//     pipe) is opened and written to directly, never replaced, so writing
//     to /dev/stdout as root does not turn the machine's /dev/stdout into
//     a regular file.
//
// flag names the option for the error's advice ("-o FILE", "--out FILE").
func writeOutput(stdout io.Writer, path, flag string, data []byte) error {
	if path == "-" {
		_, err := stdout.Write(data)
		return err
	}
	info, err := os.Stat(path)
	switch {
	case err == nil && isSystemPath(path):
		return writeSpecial(path, flag, data, info.Mode().IsRegular())
	case err == nil && info.IsDir():
		return fileError(path, "cannot write", syscall.EISDIR, "give a file name, not a directory, to "+flag)
	case err == nil && !info.Mode().IsRegular():
		return writeSpecial(path, flag, data, false)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fileError(path, "cannot write", err, "check the path and its permissions, or give "+flag+" another file")
	}
	target, err := linkTarget(path)
	if err != nil {
		return fileError(path, "cannot write", err, "fix the symbolic link, or give "+flag+" another file")
	}
	if err := replaceFile(target, data); err != nil {
		return fileError(path, "cannot write", err, "check that the directory exists and is writable, or give "+flag+" another file")
	}
	return nil
}

// isSystemPath reports whether path is under /dev or /proc, where names
// such as /dev/stdout and /proc/self/fd/1 stand for open files: replacing
// their target would detach it from whoever holds it open.
func isSystemPath(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	return strings.HasPrefix(abs, "/dev/") || strings.HasPrefix(abs, "/proc/")
}

// writeSpecial writes data to an existing file by opening it, the way a
// shell's > does: for a device, FIFO or socket, and for the files /dev and
// /proc name. truncate is for a regular file reached that way.
func writeSpecial(path, flag string, data []byte, truncate bool) error {
	mode := os.O_WRONLY
	if truncate {
		mode |= os.O_TRUNC
	}
	f, err := os.OpenFile(path, mode, 0)
	if err != nil {
		return fileError(path, "cannot write", err, "check its permissions, or give "+flag+" another file")
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fileError(path, "cannot write", err, "give "+flag+" another file")
	}
	return nil
}

// linkTarget returns the file that path names once every symbolic link on
// the way is followed, including a final link whose target does not exist
// yet (writing creates it). A path that is not a link is returned as it is.
func linkTarget(path string) (string, error) {
	for hop := 0; hop < maxLinkHops; hop++ {
		info, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", syscall.ELOOP
}

// replaceFile writes data to path through a temporary file in the same
// directory and a rename, so readers never see a half-written file and a
// failed write leaves the old file in place. An existing file's mode is
// kept; a new file gets 0644 (less the umask, as the temporary file had).
func replaceFile(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return bareError(err) // the temporary file's name means nothing to the user
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	if _, err := f.Write(data); err != nil {
		f.Close()
		return bareError(err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return bareError(err)
	}
	if err := f.Close(); err != nil {
		return bareError(err)
	}
	mode := fs.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return bareError(err)
	}
	return bareError(os.Rename(tmp, path))
}

// bareError strips the path from a *fs.PathError or *os.LinkError, leaving
// the cause (permission denied, no space left on device), for errors about
// a temporary file whose name the user never gave.
func bareError(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

// fileError is the error of a file named on the command line that cannot
// be read or written, worded "FILE: what: why: what to do" (exit status 1:
// the command line is well formed, the file is not usable).
func fileError(path, what string, err error, todo string) error {
	return fmt.Errorf("%s: %s: %v: %s", path, what, bareError(err), todo)
}
