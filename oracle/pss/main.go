// Command pss-oracle evaluates pods with Kubernetes' own Pod Security Admission library
// (k8s.io/pod-security-admission/policy), so the policy pack's Pod Security Standards controls can be checked
// against the reference rather than against our reading of the documentation.
//
// Input, one JSON object per line on stdin:
//
//	{"id": "any string", "level": "baseline|restricted", "version": "latest|v1.N", "podMetadata": {...}, "podSpec": {...}}
//
// Output, one JSON object per input line on stdout, in input order:
//
//	{"id": "...", "allowed": false, "checks": [{"id": "runAsNonRoot", "allowed": false, "reason": "...", "detail": "..."}]}
//
// "checks" lists every check the evaluator ran for that level and version (overridden and not-yet-introduced checks
// do not run), labelled with the library's check ID. A line that cannot be read gets {"id": "...", "error": "..."}.
// podMetadata and podSpec are decoded strictly: a field k8s.io/api does not know is an error, not silently dropped.
//
// With -checks it prints instead every check the library registers, with its level and the minor versions at
// which its behaviour changes: [{"id": "sysctls", "level": "baseline", "since": [0, 27, 29, 32, 37]}, ...].
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

type request struct {
	ID          string          `json:"id"`
	Level       string          `json:"level"`
	Version     string          `json:"version"`
	PodMetadata json.RawMessage `json:"podMetadata"`
	PodSpec     json.RawMessage `json:"podSpec"`
}

type checkVerdict struct {
	ID      policy.CheckID `json:"id"`
	Allowed bool           `json:"allowed"`
	Reason  string         `json:"reason,omitempty"`
	Detail  string         `json:"detail,omitempty"`
}

type response struct {
	ID      string         `json:"id"`
	Allowed bool           `json:"allowed"`
	Checks  []checkVerdict `json:"checks,omitempty"`
	Error   string         `json:"error,omitempty"`
}

// labelled runs the library's evaluator with every check function wrapped so that each result it returns can be
// attributed to its check ID. Which checks run (level, version, overrides) stays the evaluator's own decision.
type labelled struct {
	evaluator policy.Evaluator
	plain     policy.Evaluator
	ran       []checkVerdict
}

func newLabelled() (*labelled, error) {
	l := &labelled{}
	checks := policy.DefaultChecks()
	for i := range checks {
		id := checks[i].ID
		for j := range checks[i].Versions {
			inner := checks[i].Versions[j].CheckPod
			checks[i].Versions[j].CheckPod = func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) policy.CheckResult {
				result := inner(meta, spec)
				l.ran = append(l.ran, checkVerdict{ID: id, Allowed: result.Allowed, Reason: result.ForbiddenReason, Detail: result.ForbiddenDetail})
				return result
			}
		}
	}
	var err error
	if l.evaluator, err = policy.NewEvaluator(checks, nil); err != nil {
		return nil, err
	}
	// The unwrapped evaluator, exactly as Pod Security Admission builds it: every answer is compared with it.
	if l.plain, err = policy.NewEvaluator(policy.DefaultChecks(), nil); err != nil {
		return nil, err
	}
	return l, nil
}

func decodeStrict(raw json.RawMessage, into any, what string) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(into); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func (l *labelled) evaluate(line []byte) response {
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		return response{Error: fmt.Sprintf("not a JSON request: %v", err)}
	}
	out := response{ID: req.ID}
	level, err := api.ParseLevel(req.Level)
	if err != nil {
		out.Error = fmt.Sprintf("level %q: %v", req.Level, err)
		return out
	}
	version, err := api.ParseVersion(req.Version)
	if err != nil {
		out.Error = fmt.Sprintf("version %q: %v", req.Version, err)
		return out
	}
	var meta metav1.ObjectMeta
	var spec corev1.PodSpec
	if err := decodeStrict(req.PodMetadata, &meta, "podMetadata"); err != nil {
		out.Error = err.Error()
		return out
	}
	if err := decodeStrict(req.PodSpec, &spec, "podSpec"); err != nil {
		out.Error = err.Error()
		return out
	}
	lv := api.LevelVersion{Level: level, Version: version}
	l.ran = nil
	results := l.evaluator.EvaluatePod(lv, &meta, &spec)
	reference := l.plain.EvaluatePod(lv, &meta, &spec)
	if len(results) != len(reference) || len(l.ran) != len(reference) {
		out.Error = fmt.Sprintf("labelled evaluation ran %d checks, the library's evaluator %d", len(l.ran), len(reference))
		return out
	}
	for i := range reference {
		if results[i] != reference[i] || l.ran[i].Allowed != reference[i].Allowed {
			out.Error = fmt.Sprintf("labelled check %s answered differently from the library's evaluator", l.ran[i].ID)
			return out
		}
	}
	out.Checks = l.ran
	out.Allowed = policy.AggregateCheckResults(reference).Allowed
	return out
}

func run(in io.Reader, out io.Writer) error {
	l, err := newLabelled()
	if err != nil {
		return err
	}
	reader := bufio.NewReaderSize(in, 1<<20)
	writer := bufio.NewWriterSize(out, 1<<20)
	defer writer.Flush()
	encoder := json.NewEncoder(writer)
	for {
		line, readErr := reader.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			if err := encoder.Encode(l.evaluate(line)); err != nil {
				return err
			}
		}
		if readErr == io.EOF {
			return nil
		}
		if readErr != nil {
			return readErr
		}
	}
}

type registeredCheck struct {
	ID    policy.CheckID `json:"id"`
	Level api.Level      `json:"level"`
	Since []int          `json:"since"`
}

func listChecks(out io.Writer) error {
	var checks []registeredCheck
	for _, check := range policy.DefaultChecks() {
		entry := registeredCheck{ID: check.ID, Level: check.Level}
		for _, versioned := range check.Versions {
			entry.Since = append(entry.Since, versioned.MinimumVersion.Minor())
		}
		checks = append(checks, entry)
	}
	return json.NewEncoder(out).Encode(checks)
}

func main() {
	list := flag.Bool("checks", false, "print the registered checks and the versions at which each changes, then exit")
	flag.Parse()
	if *list {
		if err := listChecks(os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "pss-oracle:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pss-oracle:", err)
		os.Exit(1)
	}
}
