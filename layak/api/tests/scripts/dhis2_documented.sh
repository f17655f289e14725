#!/bin/sh
# Sending, reading and deleting data values the way DHIS2's Web API documentation shows it
# (curl, a JSON data value set file, a personal access token). Only the server and the token
# differ from the documentation's examples:
#   BASE=https://layak.example.go.id TOKEN=lyk_… sh dhis2_documented.sh
# Each step prints its name, the answer and the HTTP status.
set -eu
AUTH="Authorization: ApiToken $TOKEN"

# Look the identifiers up by code.
uid() { curl -s -H "$AUTH" "$BASE/api/$1.json?filter=code:eq:$2&fields=id" \
  | sed -n 's/.*"id": "\([A-Za-z0-9]*\)".*/\1/p'; }
DE=$(uid dataElements births)
DS=$(uid dataSets K3_YEARLY)
OU=$(uid organisationUnits 32.16)

cat > datavalueset.json <<JSON
{
  "dataSet": "$DS",
  "completeDate": "2026-01-15",
  "period": "2025",
  "orgUnit": "$OU",
  "attributeOptionCombo": "HllvX50cXC0",
  "dataValues": [
    { "dataElement": "$DE", "categoryOptionCombo": "HllvX50cXC0", "value": "1200", "comment": "Laporan tahunan" }
  ]
}
JSON
sed 's/"1200"/"-5"/' datavalueset.json > bad.json

step() { echo "== $1"; shift; curl -s -w '\nstatus=%{http_code}\n' "$@"; }

step dry-run -d @datavalueset.json "$BASE/api/dataValueSets?dryRun=true" -H "Content-Type:application/json" -H "$AUTH"
step import -d @datavalueset.json "$BASE/api/dataValueSets" -H "Content-Type:application/json" -H "$AUTH"
step re-import -d @datavalueset.json "$BASE/api/dataValueSets" -H "Content-Type:application/json" -H "$AUTH"
step read -H "$AUTH" "$BASE/api/dataValueSets.json?dataSet=$DS&period=2025&orgUnit=$OU"
step read-csv -H "$AUTH" "$BASE/api/dataValueSets.csv?dataSet=$DS&period=2025&orgUnit=$OU"
step conflict -d @bad.json "$BASE/api/dataValueSets" -H "Content-Type:application/json" -H "$AUTH"
step delete -d @datavalueset.json "$BASE/api/dataValueSets?importStrategy=DELETE" -H "Content-Type:application/json" -H "$AUTH"
step read-after-delete -H "$AUTH" "$BASE/api/dataValueSets.json?dataSet=$DS&period=2025&orgUnit=$OU"
