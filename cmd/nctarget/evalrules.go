package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/eval"
	evalreport "github.com/nctarget/nctarget/internal/report"
	"github.com/spf13/cobra"
)

// This file evaluates the rules of one eval command as a batch: each rule
// is read, compiled and planned on its own, one per processor, then every
// plan is evaluated in one pass over the data (eval.Batch), and the
// reports are rendered, one per processor, and printed in the order the
// rules were given, exactly as each rule alone would print.

// jsonlChunk is how many rules of a --jsonl stream are evaluated together:
// enough to share the pass, few enough that results flow while the stream
// goes on.
const jsonlChunk = 256

// ruleJob is one rule of an eval command and what became of it.
type ruleJob struct {
	arg     string // the FILE argument, or "" for a rule of a --jsonl stream
	in      input
	req     *nctarget.Request
	plan    *eval.Plan
	planned time.Duration
	res     *eval.Result
	errs    []*nctarget.Diagnostic // the rule's diagnostics when it failed
	fatal   error                  // an error that stops the command (a missing file)
	stderr  bytes.Buffer           // diagnostics and --explain lines, printed before the report
	out     []byte                 // the report
}

// ruleArgs expands the FILE arguments of eval: a directory stands for the
// .nct files under it, in lexical order.
func ruleArgs(args []string) ([]string, error) {
	var out []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if arg == "-" || err != nil || !info.IsDir() {
			out = append(out, arg) // reading it reports what is wrong
			continue
		}
		err = filepath.WalkDir(arg, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !e.IsDir() && strings.HasSuffix(path, ".nct") {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w: give readable rule files or directories", arg, err)
		}
	}
	return out, nil
}

// evalRules evaluates the rules named by args, or those of the --jsonl
// stream on standard input when f.jsonl is set and args is empty or "-".
func evalRules(cmd *cobra.Command, args []string, d *eval.Dataset, f *evalFlags) error {
	b := d.NewBatch()
	w := newReportWriter(cmd.OutOrStdout(), f, len(args) != 1 || isDir(args[0]))
	failed := false
	run := func(jobs []*ruleJob) error {
		err := evalJobs(cmd, b, d, f, w.layout(), jobs)
		for _, j := range jobs {
			if j.fatal != nil {
				w.close()
				return j.fatal
			}
			cmd.ErrOrStderr().Write(j.stderr.Bytes())
			failed = failed || j.errs != nil || f.failBelow && j.res != nil && j.res.BelowMinimum()
			if werr := w.write(j); werr != nil {
				return werr
			}
			if f.out != "" && j.res != nil {
				if werr := writeRecipients(cmd.OutOrStdout(), f.out, d, j.res); werr != nil {
					return werr
				}
			}
		}
		return err
	}
	if f.jsonl && (len(args) == 0 || len(args) == 1 && args[0] == "-") {
		if err := readJSONL(cmd.InOrStdin(), func(jobs []*ruleJob) error { return run(jobs) }); err != nil {
			return err
		}
	} else {
		files, err := ruleArgs(args)
		if err != nil {
			return err
		}
		jobs := make([]*ruleJob, len(files))
		for i, arg := range files {
			jobs[i] = &ruleJob{arg: arg}
		}
		if err := run(jobs); err != nil {
			return err
		}
	}
	if err := w.close(); err != nil {
		return err
	}
	if failed {
		return errReported
	}
	return nil
}

// isDir reports whether path is a directory.
func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// evalJobs reads, compiles and plans every job, one per processor,
// evaluates their plans in one pass of b, and renders the reports, JSON
// laid out as l says.
func evalJobs(cmd *cobra.Command, b *eval.Batch, d *eval.Dataset, f *evalFlags, l evalreport.Layout, jobs []*ruleJob) error {
	// Planning loads the files the rules name; the dataset shows that
	// progress (see loadData).
	parallel(len(jobs), func(i int) { planJob(cmd, b, f, jobs[i]) })
	var plans []*eval.Plan
	var evaluated []*ruleJob
	for _, j := range jobs {
		if j.plan != nil {
			plans, evaluated = append(plans, j.plan), append(evaluated, j)
		}
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	start := time.Now()
	results, err := b.Eval(ctx, plans)
	if err != nil {
		return err
	}
	if f.explain && len(plans) > 0 {
		fmt.Fprintf(&evaluated[0].stderr, "evaluated %d rules in one pass in %s\n", len(plans), time.Since(start).Round(time.Microsecond))
	}
	for i, j := range evaluated {
		j.res = results[i]
	}
	parallel(len(evaluated), func(i int) { renderJob(d, f, l, evaluated[i]) })
	return nil
}

// parallel runs fn(0), …, fn(n-1), one per processor.
func parallel(n int, fn func(i int)) {
	var next sync.Mutex
	k := 0
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for {
				next.Lock()
				i := k
				k++
				next.Unlock()
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// planJob reads (for a FILE), compiles and plans one rule. Diagnostics go
// to the job's stderr; an error that is not the rule's stops the command.
func planJob(cmd *cobra.Command, b *eval.Batch, f *evalFlags, j *ruleJob) {
	if j.arg != "" {
		in, err := readInput(cmd, j.arg)
		if err != nil {
			j.fatal = err
			return
		}
		j.in = in
	}
	fail := func(err error) {
		if j.errs = nctarget.Diagnostics(err); j.errs == nil {
			j.fatal = err
			return
		}
		report(&j.stderr, err, j.in.src)
	}
	req, err := nctarget.Compile(j.in.name, j.in.src, nctarget.Options{Catalog: f.cat})
	if err != nil {
		fail(err)
		return
	}
	j.req = req
	start := time.Now()
	p, err := b.Plan(req.Rule)
	if err != nil {
		fail(err)
		return
	}
	j.planned = time.Since(start)
	p.Min = f.min
	j.plan = p
}

// renderJob renders the report of an evaluated job, JSON laid out as l
// says.
func renderJob(d *eval.Dataset, f *evalFlags, l evalreport.Layout, j *ruleJob) {
	if f.explain {
		writeRewrites(&j.stderr, j.req)
		fmt.Fprintf(&j.stderr, "%s: planned in %s\n", j.in.name, j.planned.Round(time.Microsecond))
	}
	// Every report carries the data's warnings, as it would alone: a
	// pipeline reading one object of a batch must see what its count rests on.
	extra := evalreport.Extra(j.req, f.cat, d.Warnings, time.Now())
	rep := evalreport.New(j.in.name, j.in.src, j.req.Rule, d, j.res, extra, f.sample)
	if f.jsonOut || f.jsonl {
		j.out = rep.LaidOut(l)
		return
	}
	var buf bytes.Buffer
	rep.WriteText(&buf) // a bytes.Buffer does not fail
	j.out = buf.Bytes()
}

// reportWriter prints reports as eval's flags ask: text reports apart by a
// blank line; with --json one object, or an array of them when several
// rules may be given; with --jsonl one object a line. A rule that failed
// has no text report; in JSON it is an object with its file and errors.
type reportWriter struct {
	w     io.Writer
	f     *evalFlags
	array bool // --json with several rules
	n     int  // reports written
}

func newReportWriter(w io.Writer, f *evalFlags, several bool) *reportWriter {
	return &reportWriter{w: w, f: f, array: f.jsonOut && !f.jsonl && several}
}

// layout returns how the JSON of each report is to be laid out: on one
// line for --jsonl, indented as an element of the array of --json with
// several rules.
func (rw *reportWriter) layout() evalreport.Layout {
	switch {
	case rw.f.jsonl:
		return evalreport.Layout{Compact: true}
	case rw.array:
		return evalreport.Layout{Prefix: "  "}
	}
	return evalreport.Layout{}
}

// write prints the report of j, whose JSON is laid out as layout says.
func (rw *reportWriter) write(j *ruleJob) error {
	out := j.out
	if j.errs != nil {
		if !rw.f.jsonOut && !rw.f.jsonl {
			return nil
		}
		out = errorJSON(j, rw.layout())
	}
	var b bytes.Buffer
	switch {
	case rw.f.jsonl, rw.f.jsonOut && !rw.array:
		b.Write(out)
	case rw.array:
		b.WriteString(",\n  ")
		if rw.n == 0 {
			b.Reset()
			b.WriteString("[\n  ")
		}
		b.Write(bytes.TrimSuffix(out, []byte("\n")))
	default:
		if rw.n > 0 {
			b.WriteByte('\n')
		}
		b.Write(out)
	}
	rw.n++
	_, err := rw.w.Write(b.Bytes())
	return err
}

// close ends the output: it closes the array of --json with several rules.
func (rw *reportWriter) close() error {
	if !rw.array {
		return nil
	}
	end := "\n]\n"
	if rw.n == 0 {
		end = "[]\n"
	}
	rw.array = false
	_, err := io.WriteString(rw.w, end)
	return err
}

// jsonError is a problem of a rule in eval's JSON output.
type jsonError struct {
	Pos     string `json:"pos,omitempty"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

// errorJSON returns the JSON object of a rule that failed, laid out as l
// says: its file and its errors.
func errorJSON(j *ruleJob, l evalreport.Layout) []byte {
	out := struct {
		File   string      `json:"file"`
		Errors []jsonError `json:"errors"`
	}{File: j.in.name}
	for _, d := range j.errs {
		e := jsonError{Message: d.Msg, Hint: d.Hint}
		if d.Pos.IsValid() {
			e.Pos = d.Pos.String()
		}
		out.Errors = append(out.Errors, e)
	}
	return l.Marshal(out)
}

// jsonlRule is one line of a --jsonl stream: a rule's source and the name
// its diagnostics and result carry. A line may also be a bare JSON string,
// the source.
type jsonlRule struct {
	File string `json:"file"`
	Rule string `json:"rule"`
}

// jsonlLine is a rule read from a --jsonl stream, or the error that ended
// the stream.
type jsonlLine struct {
	job *ruleJob
	err error
}

// readJSONL reads a --jsonl stream of rules and hands them to run in
// order, as many together as have arrived (up to jsonlChunk) whenever run
// is free: a stream written all at once is evaluated in batches, and a
// program that writes a rule and waits for its result gets it at once.
// Blank lines are skipped.
func readJSONL(r io.Reader, run func([]*ruleJob) error) error {
	lines, done := make(chan jsonlLine, jsonlChunk), make(chan struct{})
	defer close(done)
	go scanJSONL(r, lines, done)
	for l := range lines {
		jobs := []*ruleJob{l.job}
		if l.err != nil {
			return l.err
		}
	more:
		for len(jobs) < jsonlChunk {
			select {
			case l, ok := <-lines:
				if !ok {
					break more
				}
				if l.err != nil {
					if err := run(jobs); err != nil {
						return err
					}
					return l.err
				}
				jobs = append(jobs, l.job)
			default:
				break more
			}
		}
		if err := run(jobs); err != nil {
			return err
		}
	}
	return nil
}

// scanJSONL parses the lines of a --jsonl stream into lines, ending with
// the first error, and closes it; it stops early when done is closed.
func scanJSONL(r io.Reader, lines chan<- jsonlLine, done <-chan struct{}) {
	defer close(lines)
	send := func(l jsonlLine) bool {
		select {
		case lines <- l:
			return true
		case <-done:
			return false
		}
	}
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 2*maxInputBytes)
	line := 0
	for s.Scan() {
		line++
		text := bytes.TrimSpace(s.Bytes())
		if len(text) == 0 {
			continue
		}
		var lr jsonlRule
		var err error
		if text[0] == '"' {
			err = json.Unmarshal(text, &lr.Rule)
		} else {
			err = json.Unmarshal(text, &lr)
		}
		if err != nil {
			send(jsonlLine{err: fmt.Errorf("<stdin>:%d: %v: each line of --jsonl is a JSON object {\"file\": NAME, \"rule\": SOURCE} or a JSON string SOURCE", line, err)})
			return
		}
		if lr.File == "" {
			lr.File = fmt.Sprintf("<stdin line %d>", line)
		}
		if !send(jsonlLine{job: &ruleJob{in: input{name: lr.File, src: []byte(lr.Rule)}}}) {
			return
		}
	}
	if err := s.Err(); err != nil {
		send(jsonlLine{err: fmt.Errorf("reading standard input: %w", err)})
	}
}
