"""GraphiQL, served with its JavaScript and CSS from this package so that it works offline.

The assets are the npm packages graphiql 3.8.3, react 18.2.0, react-dom 18.2.0 and
@graphiql/plugin-explorer 1.0.2 (the versions and files Strawberry's own page loads from a CDN;
licenses in static/LICENSES.txt). The page opens with example queries, the first tab's
variables filled in.
"""

from __future__ import annotations

import json
from pathlib import Path

STATIC_DIRECTORY = Path(__file__).parent / "static"
STATIC_PATH = "/static/graphiql"
"""Where the app serves the assets (public: they are library code, not data)."""

DASHBOARD_QUERY = """\
# A dashboard's first screen in one request: how good is this team (DORA levels), is it
# getting better (trends over the last 28 days), and the same per environment with a chart.
query Dashboard($spaceId: ID!, $reportId: ID!) {
  report(spaceId: $spaceId, id: $reportId) {
    name
    summary(timeRange: LAST_QUARTER) {
      totals {
        from
        to
        deploymentsPerWeek
        leadTime { median }
        failureRate { rate }
        timeToRecovery { median }
      }
      level { overall deploymentFrequency leadTime changeFailureRate recoveryTime }
      trend {
        deploymentFrequency { direction improving previous current change }
        leadTime { direction improving previous current change }
        changeFailureRate { direction improving previous current change }
        recoveryTime { direction improving previous current change }
      }
    }
    metrics(split: ENVIRONMENT, orderBy: LIFECYCLE, timeRange: LAST_QUARTER) {
      name
      key { kind id }
      level { overall leadTime changeFailureRate }
      trend {
        deploymentFrequency { direction improving }
        leadTime { direction improving }
      }
      intervals {
        start
        from
        to
        successfulDeployments
        leadTime { median }
        failureRate { rate }
      }
    }
  }
}
"""

DRILL_DOWN_QUERY = """\
# The deployments behind a chart point: a series' key and an interval's from and to
# (here: the failures of the whole report since the 1st of the month a year ago).
query DrillDown($spaceId: ID!, $reportId: ID!, $key: SeriesKeyInput, $from: Timestamp,
                $to: Timestamp) {
  deployments(spaceId: $spaceId, reportId: $reportId, seriesKey: $key, from: $from, to: $to,
              outcome: [FAILED, SUCCESS_WITH_GUIDED_FAILURE], first: 20) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      completedTime
      outcome
      release { version }
      project { name }
      environment { name }
      tenant { name }
    }
  }
}
"""

CREATE_MUTATION = """\
# Create a report. These variables break rules on purpose: the answer lists every problem
# with the input field it is about, as a form shows it, and nothing is written.
mutation CreateReport($input: ReportInput!) {
  createReport(input: $input) {
    __typename
    ... on Report { id name }
    ... on ValidationProblems { message problems { field message } }
    ... on NotFound { message }
  }
}
"""

REPORTS_QUERY = """\
# The reports of a space, with the projects each one covers.
query Reports($spaceId: ID!, $after: String) {
  reports(spaceId: $spaceId, first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      name
      tenantMode
      timeZone
      projects { id name projectGroup { name } }
      environmentGroups { name environments { name } }
    }
  }
}
"""

METRICS_QUERY = """\
# Weekly DORA metrics of a report over the last quarter, one series per environment.
# Durations are seconds, rates are fractions, interval starts are dates.
query Metrics($spaceId: ID!, $reportId: ID!) {
  report(spaceId: $spaceId, id: $reportId) {
    name
    metrics(split: ENVIRONMENT, timeRange: LAST_QUARTER, granularity: WEEKLY) {
      name
      intervals {
        start
        successfulDeployments
        leadTime { count median ninetyFifth }
        failureRate { failed total rate }
        timeToRecovery { count mean }
      }
    }
  }
}
"""

STREAMS_QUERY = """\
# The streams of a report, with every deployment and its facts.
query Streams($spaceId: ID!, $reportId: ID!) {
  report(spaceId: $spaceId, id: $reportId) {
    streams(first: 10) {
      totalCount
      nodes {
        project { name }
        channel { name }
        environment { name }
        tenant { name }
        deployments {
          id
          release { version created }
          taskState
          outcome
          completedTime
          leadTime
          timeSincePreviousSuccessfulDeployment
          timeToRecovery
          deploymentsUntilRecovery
        }
      }
    }
  }
}
"""

EXAMPLE_VARIABLES = json.dumps({"spaceId": "Spaces-1", "reportId": "InsightsReports-1"}, indent=2)

EXAMPLES = (
    {"query": DASHBOARD_QUERY, "variables": EXAMPLE_VARIABLES},
    {
        "query": DRILL_DOWN_QUERY,
        "variables": json.dumps(
            {"spaceId": "Spaces-1", "reportId": "InsightsReports-1", "key": {"kind": "ALL"}},
            indent=2,
        ),
    },
    {"query": REPORTS_QUERY, "variables": json.dumps({"spaceId": "Spaces-1"}, indent=2)},
    {"query": METRICS_QUERY, "variables": EXAMPLE_VARIABLES},
    {"query": STREAMS_QUERY, "variables": EXAMPLE_VARIABLES},
    {
        "query": CREATE_MUTATION,
        "variables": json.dumps(
            {
                "input": {
                    "spaceId": "Spaces-1",
                    "name": "",
                    "projectIds": ["Projects-999"],
                    "environmentGroups": [{"name": "Live", "environmentIds": ["x"]}],
                    "timeZone": "Mars/Olympus",
                }
            },
            indent=2,
        ),
    },
)


def graphiql_html() -> str:
    """The GraphiQL page, pointing at the local assets and opening with the examples."""
    template = (STATIC_DIRECTORY / "graphiql.html").read_text(encoding="utf-8")
    # `</` cannot end the script element from inside the JSON.
    examples = json.dumps(list(EXAMPLES)).replace("</", "<\\/")
    return template.replace("{{STATIC}}", STATIC_PATH).replace("{{EXAMPLES}}", examples)
