package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/nctarget/nctarget"
	"github.com/nctarget/nctarget/sqlgen"
	"github.com/spf13/cobra"
)

// sqlFlags are the options of the sql command.
type sqlFlags struct {
	dialect, catalog, schema, load string
	count, waterfall, params       bool
	tables, columns                []string
}

func newSQLCmd() *cobra.Command {
	var f sqlFlags
	cmd := &cobra.Command{
		Use:   "sql --dialect D [--count|--waterfall] [--params] [--table T=NAME]... [--column T.C=NAME]... [FILE|-]",
		Short: "Compile a rule to one SQL query that previews it in a warehouse",
		Long: `Sql compiles a rule to one SQL query that computes on the warehouse what
eval computes on local files: the recipient user IDs (the default), their
count (--count), or the whole waterfall in one row (--waterfall: friends,
after_recipient, after_filter, after_limit, all_known).

The query reads this layout (SPEC section 5 as tables; NULL is unknown):

  users(user_id, gender, age, app_type, area, subscription_period)
  audience_members(audience_group_id, user_id)
  redelivery_members(request_id, user_id)

Map each name to the warehouse's own with --table users=crm.line_friends and
--column users.age=age_years; --schema prefixes every table name given
without a dot (BigQuery needs project.dataset or dataset). Every name is
quoted for the dialect, so no name can change the query; for postgres, a
name over 63 bytes, which PostgreSQL would cut to its first 63, is refused.

Dialects: ` + dialectNames() + `. Values are quoted literals, or with
--params bound-parameter markers ($1, @p1, :p1, :1, ?) and a JSON object
{"query": …, "params": […]} on standard output instead of the bare query.

limit keeps the recipients with the lowest user IDs (eval keeps the first in
users.csv order); the count after the limit is the same.

--load DIR prints a psql script that creates the tables in PostgreSQL, loads
a data directory of eval's layout into them with COPY and indexes them. It
reads the directory as eval does first: a malformed line is eval's error,
file:line:col, and no script is written.`,
		Example: `  nctarget sql --dialect postgres --count examples/line-full.nct | psql -At mydb
  nctarget sql --dialect bigquery --schema my-project.crm --waterfall campaign.nct
  nctarget sql --dialect snowflake --table users=CRM.PUBLIC.FRIENDS --column users.age=AGE_YEARS --params rule.nct
  nctarget sql --load examples/data | psql -q mydb`,
		Args: maxOneFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSQL(cmd, argOrStdin(args), &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.dialect, "dialect", "postgres", "SQL `dialect`: "+dialectNames())
	fl.BoolVar(&f.count, "count", false, "return the recipient count after the limit")
	fl.BoolVar(&f.waterfall, "waterfall", false, "return the waterfall in one row")
	fl.BoolVar(&f.params, "params", false, `write values as bound parameters; print {"query": …, "params": […]}`)
	fl.StringArrayVar(&f.tables, "table", nil, "map a table: `logical=name`, such as users=crm.line_friends (repeatable)")
	fl.StringArrayVar(&f.columns, "column", nil, "map a column: `table.column=name`, such as users.age=age_years (repeatable)")
	fl.StringVar(&f.schema, "schema", "", "prefix every table name without a dot with `PATH`, such as my-project.crm")
	fl.StringVar(&f.catalog, "catalog", "", "JSON `FILE` mapping audience names to ids")
	fl.StringVar(&f.load, "load", "", "print a psql script loading data `DIR` (eval's layout) into PostgreSQL, instead of a query")
	return cmd
}

// dialectNames lists the dialects for help texts.
func dialectNames() string {
	names := make([]string, len(sqlgen.Dialects))
	for i, d := range sqlgen.Dialects {
		names[i] = string(d)
	}
	return strings.Join(names, ", ")
}

// layout builds the table layout from the flags.
func (f *sqlFlags) layout() (sqlgen.Layout, error) {
	l := sqlgen.Layout{Schema: f.schema}
	for _, t := range f.tables {
		if logical, _, _ := strings.Cut(t, "="); strings.Contains(logical, ".") {
			return l, fmt.Errorf("--table %s: %q is a column; use --column", t, logical)
		}
		if err := l.MapFlag(t); err != nil {
			return l, fmt.Errorf("--table %s: %w", t, err)
		}
	}
	for _, c := range f.columns {
		if logical, _, _ := strings.Cut(c, "="); !strings.Contains(logical, ".") {
			return l, fmt.Errorf("--column %s: %q is a table; use --table, or write table.column", c, logical)
		}
		if err := l.MapFlag(c); err != nil {
			return l, fmt.Errorf("--column %s: %w", c, err)
		}
	}
	return l, nil
}

// runSQL prints the query for one rule, or the load script.
func runSQL(cmd *cobra.Command, arg string, f *sqlFlags) error {
	d, err := sqlgen.ParseDialect(f.dialect)
	if err != nil {
		return usageError{err}
	}
	layout, err := f.layout()
	if err != nil {
		return usageError{err}
	}
	if f.load != "" && d != sqlgen.Postgres {
		return usageError{fmt.Errorf("--load writes a psql script for postgres; load into %s with its own loader (see README)", d)}
	}
	if err := layout.Check(d); err != nil {
		return usageError{err}
	}
	if f.load != "" {
		warnings, err := sqlgen.WriteLoadScript(cmd.OutOrStdout(), f.load, layout)
		if err != nil {
			return report(cmd.ErrOrStderr(), err, nil)
		}
		printWarnings(cmd.ErrOrStderr(), warnings, nil)
		return nil
	}
	opts := sqlgen.Options{Dialect: d, Params: f.params, Layout: layout}
	switch {
	case f.count && f.waterfall:
		return usageError{errors.New("--count and --waterfall exclude each other: choose one")}
	case f.count:
		opts.Output = sqlgen.Count
	case f.waterfall:
		opts.Output = sqlgen.Waterfall
	}
	cat, err := loadCatalog(cmd, f.catalog)
	if err != nil {
		return err
	}
	in, err := readInput(cmd, arg)
	if err != nil {
		return err
	}
	req, err := nctarget.Compile(in.name, in.src, nctarget.Options{Catalog: cat})
	if err != nil {
		return report(cmd.ErrOrStderr(), err, in.src)
	}
	printWarnings(cmd.ErrOrStderr(), req.Warnings, in.src)
	q, err := sqlgen.Compile(req.Rule, opts)
	if err != nil {
		return report(cmd.ErrOrStderr(), err, in.src)
	}
	if !f.params {
		_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s;\n", q.Text)
		return err
	}
	out, err := json.MarshalIndent(struct {
		Dialect string         `json:"dialect"`
		Query   string         `json:"query"`
		Params  []sqlgen.Param `json:"params"`
	}{string(d), q.Text, q.Params}, "", "  ")
	if err == nil {
		_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", out)
	}
	return err
}
