"""GraphiQL, served with its JavaScript and CSS from this package so that it works offline.

The assets are the npm packages graphiql 3.8.3, react 18.2.0, react-dom 18.2.0 and
@graphiql/plugin-explorer 1.0.2 (the versions and files Strawberry's own page loads from a CDN;
licenses in static/LICENSES.txt). The page opens with example queries.
"""

from __future__ import annotations

import json
from pathlib import Path

STATIC_DIRECTORY = Path(__file__).parent / "static"
STATIC_PATH = "/static/graphiql"
"""Where the app serves the assets (public: they are library code, not data)."""

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
    {"query": REPORTS_QUERY, "variables": json.dumps({"spaceId": "Spaces-1"}, indent=2)},
    {"query": METRICS_QUERY, "variables": EXAMPLE_VARIABLES},
    {"query": STREAMS_QUERY, "variables": EXAMPLE_VARIABLES},
)


def graphiql_html() -> str:
    """The GraphiQL page, pointing at the local assets and opening with the examples."""
    template = (STATIC_DIRECTORY / "graphiql.html").read_text(encoding="utf-8")
    # `</` cannot end the script element from inside the JSON.
    examples = json.dumps(list(EXAMPLES)).replace("</", "<\\/")
    return template.replace("{{STATIC}}", STATIC_PATH).replace("{{EXAMPLES}}", examples)
