#include <string>

#include "tools/backplan/commands.h"

namespace backplan::cli {

std::string HelpText() {
  return R"(backplan: plan backwards from an outcome with the Backplan services.

usage: backplan [flags] COMMAND [ARGS]

plans:
  plan FILE                 store the plan in FILE (YAML or JSON), schedule it
                            backwards from its target date and print the
                            timeline with every task's rank and deadline
  get PLAN_ID               print a stored plan: outcome, goals and their tasks
  list                      list stored plans (ids and versions)
  delete PLAN_ID            delete a stored plan
  schedule PLAN_ID|FILE     schedule a stored plan, or FILE inline (nothing
                            stored); --mode backward|forward
  prioritize PLAN_ID|FILE   rank the tasks in the order that delivers value
                            soonest, each with its score and reason;
                            --method importance|hardest_first|quick_wins|wsjf|
                            rice|weighted, --weights criterion=w,...,
                            --explain (contributions), --urgency (stored plan:
                            time criticality from the schedule's slack)
  export PLAN_ID|FILE       print the timeline as --format ics|mermaid|csv,
                            or a Gantt chart: --format html (one page, opens
                            in a browser) or svg; --ics_events deadline|span
                            makes calendar events instead of tasks
  simulate PLAN_ID|FILE     Monte Carlo over the three-point estimates:
                            P(on time), P10-P95 finish dates, a histogram by
                            week, the most critical and most sensitive
                            tasks; --iterations N (default 1000), --seed S
  options PLAN_ID|FILE      what it takes to hit the target: cut optional
                            scope, add people to a pool, or move the date;
                            --confidence 0.8 (default: the deterministic
                            plan), --target YYYY-MM-DD (default: the plan's),
                            --iterations N, --seed S
  ahp FILE                  criteria weights from a pairwise comparison matrix
                            (FILE: criteria: [..], matrix: [[..],..] with
                            numbers or fractions "1/3", optional threshold);
                            prints weights, lambda max, CI and CR

working backwards with recipe books:
  decompose OUTCOME         break OUTCOME down into goals and tasks with
                            --recipes FILE (a YAML book) or --book NAME (a
                            stored one); --target YYYY-MM-DD is required,
                            --start YYYY-MM-DD (default: the server's today),
                            --strategy cheapest|first_applicable,
                            --fact TEXT (repeatable: what already holds),
                            --store (also create the plan; prints its id).
                            Prints the goal tree, the open goals and why each
                            recipe was chosen
  books put NAME FILE       store a YAML recipe book; --expected_version N
                            (0, the default, creates it; else the current
                            version to replace)
  books get NAME            print a stored book
  books list                list stored books
  books delete NAME         delete a stored book

manual breakdown of a stored plan (each prints the new version; an edit
making a cycle fails with INVALID_ARGUMENT naming it). Without
--base_version an edit applies to the current version and is retried only
when the nodes it touches did not change meanwhile (else it reports the
conflict); with --base_version N a stale N fails with ABORTED:
  apply FILE --plan PLAN_ID [--base_version N]
                            update a stored plan from its YAML file as one
                            edit (outcome, target, calendar, pools, goals,
                            tasks, dependencies); the same file again makes
                            no new version
  edit PLAN_ID [--base_version N] OP
    add-task --id X --title T --days D [--goal G] [--importance I]
             [--difficulty D]
    update-task --id X [--title T] [--days D] [--importance I]
             [--difficulty D]          reads the plan, changes the task
    remove ID                          a task or goal, with its references
    add-goal --id G --title T [--parent P] [--open]
    expand GOAL [--task ID:TITLE:DAYS]... [--goal ID:TITLE]...
                                       break an open goal down; new sub-goals
                                       are OPEN; TITLE may contain ':'
    add-dep PRED SUCC [--lag L]        PRED finishes L working days before
                                       SUCC starts
    remove-dep PRED SUCC
  watch PLAN_ID             print the plan's events as they happen (time
                            received, type, plan version, request id) until
                            Ctrl-C; --from_version N
  progress PLAN_ID --task T --done YYYY-MM-DD | --remaining N
                            report a task done (its last worked day) or in
                            progress (working days left), re-plan the rest
                            and print the timeline; --started YYYY-MM-DD,
                            --as_of YYYY-MM-DD (default: today),
                            --base_version N (default: the current one)
  help                      print this text

flags:
  --decomposition=ADDR      decomposition service (default 127.0.0.1:50051)
  --prioritization=ADDR     prioritization service (default 127.0.0.1:50052)
  --scheduling=ADDR         scheduling service (default 127.0.0.1:50053)
  --tenant=NAME             tenant, sent as x-backplan-tenant metadata
  --timeout_s=N             deadline of each call in seconds (default 30)
  --tls_ca=FILE             PEM CA of the services' certificates; enables TLS
  --tls_cert=FILE, --tls_key=FILE
                            client certificate and key (mutual TLS)
  --tls_server_name=NAME    name to check in the services' certificates
  --token=TOKEN             bearer token (default: $BACKPLAN_TOKEN); needs TLS
  --json                    print the response as protobuf JSON
  --wide                    print tables at full width (default: fit 120
                            columns by shortening titles and reasons; ids
                            are never shortened)
  --mode=backward|forward   schedule, plan, export (default backward)
  --method=NAME             prioritize method (default: the server's weighted)
  --weights=C=W,...         prioritize --method weighted, e.g.
                            importance=0.6,difficulty=0.4
  --format=ics|mermaid|csv|html|svg
                            export format (default ics)
  --ics_events=vtodo|deadline|span
                            export --format ics: a task per task (default),
                            an all-day event on each deadline, or an event
                            from planned start to deadline
  --threshold=R             ahp consistency ratio threshold (default: the
                            file's, else 0.10)
  --iterations=N            simulate runs, 1..100000 (default 1000)
  --seed=S                  simulate seed: same seed, same answer; schedule,
                            plan, export: seed of the search for plans with
                            people
  --max_schedules=N         schedule, plan, export of plans with people:
                            schedules the search tries (default the
                            server's 1000, at most 1,000,000); the same
                            seed and N give the same timeline
  --time_limit_ms=MS        ... and the search's time limit (default the
                            server's 500, at most 60000). A search the time
                            limit ends is not repeatable: the output says
                            how many schedules ran; pass that number as
                            --max_schedules (with a generous time limit)
                            to repeat it
  --confidence=C            options: P(on time) the target must reach, in
                            (0, 1); default: the deterministic plan

A plan file mirrors backplan.v1.Plan (see examples/kindle.yaml): outcome,
outcome_goal_id, goals, tasks, dependencies, calendar; dates as YYYY-MM-DD.
A recipe book is YAML (see examples/recipes/*.yaml and
libs/decompose/recipe_yaml.h).

exit status: 0 success, 1 a service error or unreachable service,
2 a usage error or a bad plan file.
)";
}

}  // namespace backplan::cli
