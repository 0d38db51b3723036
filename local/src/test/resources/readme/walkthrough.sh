#!/usr/bin/env bash
# The README's commands, as written, with curl against a running local stack. ReadmeIT runs it; by hand:
#   ./stowage local                   # in another terminal: prints the API URL and STOWAGE_TOKEN
#   cd "$(mktemp -d)" && M=<checkout>/shared/testkit/src/main/resources/media
#   cp $M/landscape.jpg photo.jpg && cp $M/alpha.png a.png
#   API=<url> STOWAGE_TOKEN=<token> STOWAGE=<checkout>/stowage bash <checkout>/local/src/test/resources/readme/walkthrough.sh
# photo.jpg is the README's photo (the test kit's landscape.jpg: 31155 bytes, 1200x800); a.png any PNG.
# STOWAGE runs ./stowage (token, help); its token command must find the stack's secret in .stowage/.
# Placeholders (<session>, <asset>, <url>, the etags) are filled from the answers before them; every
# answer is checked, and the first unexpected one stops the script with a message and a non-zero exit.
# ReadmeCommandsTest fails the build when a README command has no counterpart here.
set -Eeuo pipefail

STOWAGE=${STOWAGE:-./stowage}   # ReadmeIT: "java -jar .../stowage-local.jar", since ./stowage would rebuild first
: "${STOWAGE_TOKEN:?export STOWAGE_TOKEN as ./stowage local prints it}"
POLL_SECONDS=30                 # how long an upload may take to become an asset
POLL_INTERVAL=0.2

fail() {
  echo "walkthrough: $*" >&2
  exit 1
}
# Any other failing command (curl cannot connect, say) names itself; in the main shell only, so it is said once.
trap 'status=$?; ((BASH_SUBSHELL)) || fail "line $LINENO: \`$BASH_COMMAND\` exited with $status"' ERR

# Every JSON answer is parsed once (python3), into FIELD: "state", "metadata.width", "variants.0.name", and
# every object or list as compact JSON ("metadata"); an answer that is not JSON has no fields.
declare -A FIELD
FLATTEN='
import json, sys
def walk(path, value):
    if isinstance(value, (dict, list)):
        if path:
            sys.stdout.write(path + "\0" + json.dumps(value, separators=(",", ":")) + "\0")
        for key, child in value.items() if isinstance(value, dict) else enumerate(value):
            walk(f"{path}.{key}" if path else str(key), child)
    else:
        text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        sys.stdout.write(path + "\0" + text + "\0")
try:
    walk("", json.loads(sys.argv[1]))
except ValueError:
    pass
'
parse() {
  FIELD=()
  local key value
  while IFS= read -r -d '' key && IFS= read -r -d '' value; do
    FIELD[$key]=$value
  done < <(python3 -c "$FLATTEN" "$1")
}

# check WHAT STATUS: $answer (a body, a newline and the status curl's -w printed) has STATUS; sets $body and
# FIELD from the body.
check() {
  local status=${answer##*$'\n'}
  body=${answer%$'\n'*}
  [[ $status == "$2" ]] || fail "$1: expected HTTP $2, got $status: $body"
  parse "$body"
}

# field PATH: the value at PATH in the last answer; empty when absent.
field() {
  printf '%s' "${FIELD[$1]-}"
}

# expect_field WHAT PATH VALUE: the field at PATH in $body is VALUE.
expect_field() {
  local actual
  actual=$(field "$2")
  [[ $actual == "$3" ]] || fail "$1: expected $2 = $3, got '$actual' in $body"
}

# await_asset WANT: poll $ASSET (a short interval, a bounded time) until its state is WANT; fails on any other
# settled state.
await_asset() {
  local deadline=$((SECONDS + POLL_SECONDS)) state
  while :; do
    answer=$(curl -s $API/v1/assets/$ASSET -H "$AUTH" -w '\n%{http_code}')
    check "GET asset $ASSET" 200
    state=$(field state)
    case $state in
      "$1") return 0 ;;
      staged | validating | analyzing | promoting | available | processing) ;;
      *) fail "asset $ASSET: expected $1, got $state: $body" ;;
    esac
    ((SECONDS < deadline)) || fail "asset $ASSET is still $state after ${POLL_SECONDS}s: $body"
    sleep $POLL_INTERVAL
  done
}

[[ -f photo.jpg && -f a.png ]] || fail "run me in a directory holding photo.jpg and a.png (see the top of $0)"

echo "== one direct upload, end to end"
API=${API:-http://127.0.0.1:8080}; AUTH="Authorization: Bearer $STOWAGE_TOKEN"
FILE=photo.jpg; SIZE=$(stat -c %s "$FILE")
[[ $SIZE == 31155 ]] || fail "photo.jpg should be the README's photo (testkit landscape.jpg, 31155 bytes), has $SIZE"

answer=$(curl -s -X POST $API/v1/uploads -H "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"profile\":\"image\",\"filename\":\"$FILE\",\"contentType\":\"image/jpeg\",\"byteSize\":$SIZE}" \
  -w '\n%{http_code}')
check "initiate" 201
expect_field "initiate" state initialized
SESSION=$(field id); ASSET=$(field assetId)
[[ -n $SESSION && -n $ASSET ]] || fail "initiate: no id or assetId in $body"

answer=$(curl -s -X POST $API/v1/uploads/$SESSION/url -H "$AUTH" -w '\n%{http_code}')
check "sign" 200
[[ $(field url) =~ ^http://127\.0\.0\.1:[0-9]+/stowage-media/staging/ ]] || fail "sign: url is not the local S3's staging/: $body"
expect_field "sign" method PUT
expect_field "sign" headers.content-type image/jpeg
expect_field "sign" headers.content-length "$SIZE"
[[ -n $(field expiresAt) ]] || fail "sign: no expiresAt in $body"
URL=$(field url)

answer=$(curl -s -X PUT -H 'Content-Type: image/jpeg' --data-binary @"$FILE" "$URL" -w '\n%{http_code}')
check "PUT to the presigned URL" 200

await_asset ready
expect_field "asset" metadata '{"contentType":"image/jpeg","kind":"image","width":1200,"height":800}'
expect_field "asset" variants.0.name medium
expect_field "asset" variants.0.state ready
expect_field "asset" variants.0.contentType image/jpeg
expect_field "asset" variants.0.width 800
expect_field "asset" variants.0.height 533
expect_field "asset" variants.1.name thumb
expect_field "asset" variants.1.state ready
expect_field "asset" variants.1.width 200
expect_field "asset" variants.1.height 200

echo "== attach it, read the slot back, and download it from a delivery URL"
answer=$(curl -s -X PUT $API/v1/owners/user/42/slots/avatar -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"assetId":"'"$ASSET"'"}' -w '\n%{http_code}')
check "attach" 200
expect_field "attach" assetId "$ASSET"
answer=$(curl -s $API/v1/owners/user/42/slots/avatar -H "$AUTH" -w '\n%{http_code}')
check "read the slot" 200
expect_field "read the slot" ownerType user
expect_field "read the slot" ownerId 42
expect_field "read the slot" slot avatar
expect_field "read the slot" assetId "$ASSET"
expect_field "read the slot" asset.state ready
expect_field "read the slot" asset.variants.1.name thumb
answer=$(curl -s "$API/v1/assets/$ASSET/url?variant=thumb" -H "$AUTH" -w '\n%{http_code}')
check "thumbnail URL" 200
expect_field "thumbnail URL" variant thumb
expect_field "thumbnail URL" servedFrom variant
[[ $(field url) =~ ^http://127\.0\.0\.1:[0-9]+/stowage-media/variants/$ASSET/thumb-[0-9a-f]{16}\.jpeg\? ]] \
  || fail "thumbnail URL: not the variant's presigned GET: $body"
URL=$(field url)
curl -s -o thumb.jpg "$URL"
# A 200x200 JPEG (its SOF says so) with no EXIF block: the variant carries no metadata.
python3 - thumb.jpg <<'PY' || fail "thumb.jpg is not a 200x200 JPEG without EXIF"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:2] == b"\xff\xd8" and b"Exif\0\0" not in data, "not a JPEG, or it carries EXIF"
i = 2
while data[i] == 0xFF and data[i + 1] not in (0xC0, 0xC1, 0xC2):
    i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
height, width = struct.unpack(">HH", data[i + 5:i + 9])
assert (width, height) == (200, 200), (width, height)
PY
answer=$(curl -s "$API/v1/assets/$ASSET/url?disposition=attachment" -H "$AUTH" -w '\n%{http_code}')
check "delivery URL" 200
expect_field "delivery URL" servedFrom original
[[ $(field url) =~ ^http://127\.0\.0\.1:[0-9]+/stowage-media/assets/$ASSET/original\? ]] \
  || fail "delivery URL: not the original's presigned GET: $body"
URL=$(field url)
curl -s -o downloaded.jpg "$URL"
cmp -s downloaded.jpg "$FILE" || fail "the delivery URL did not serve the uploaded bytes"

echo "== an export of the caller's assets, downloaded by its link alone"
answer=$(curl -s -X POST $API/v1/exports -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"filename":"assets.csv","format":"csv","contentType":"text/csv","generator":"asset-inventory"}' \
  -w '\n%{http_code}')
check "create export" 201
expect_field "create export" state ready
expect_field "create export" storedIn database
(( $(field rowCount) >= 1 )) || fail "create export: the inventory has no rows: $body"
URL=$API$(field downloadUrl)
curl -s -L -o assets.csv "$URL"
grep -q "^$ASSET,photo.jpg,image/jpeg,31155,1200,800,,ready," assets.csv \
  || fail "the export does not list the uploaded photo: $(cat assets.csv)"
[[ $(head -1 assets.csv) == id,filename,contentType,byteSize,width,height,durationMs,state,createdAt,attachmentCount ]] \
  || fail "the export has no CSV header: $(head -1 assets.csv)"
answer=$(curl -s "$URL"X -w '\n%{http_code}')
check "a tampered export link" 404

echo "== an inventory asked with \"async\":true: 202 pending, polled until the export-worker made it ready"
answer=$(curl -s -X POST $API/v1/exports -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"filename":"all.csv","format":"csv","contentType":"text/csv","generator":"asset-inventory","async":true}' \
  -D queued-headers.txt -w '\n%{http_code}')
check "create a queued export" 202
expect_field "create a queued export" state pending
[[ -z $(field downloadUrl) ]] || fail "a pending export has a link: $body"
EXPORT=$(field id)
grep -qi "^location: /v1/exports/$EXPORT" queued-headers.txt || fail "no Location to poll: $(cat queued-headers.txt)"
grep -qi '^retry-after: [0-9]' queued-headers.txt || fail "no Retry-After: $(cat queued-headers.txt)"
deadline=$((SECONDS + POLL_SECONDS))
while :; do
  answer=$(curl -s $API/v1/exports/$EXPORT -H "$AUTH" -w '\n%{http_code}')
  check "poll the export" 200
  [[ $(field state) == ready ]] && break
  [[ $(field state) == pending ]] || fail "poll the export: expected pending or ready: $body"
  ((SECONDS < deadline)) || fail "export $EXPORT is still pending after ${POLL_SECONDS}s: $body"
  sleep $POLL_INTERVAL
done
(( $(field rowCount) >= 1 )) || fail "the queued export has no rows: $body"
curl -s -L -o all.csv "$API$(field downloadUrl)"
grep -q "^$ASSET,photo.jpg,image/jpeg,31155,1200,800,,ready," all.csv \
  || fail "the queued export does not list the uploaded photo: $(cat all.csv)"

echo "== complete on a direct session: after the S3 event, it changes nothing"
answer=$(curl -s -X POST $API/v1/uploads/$SESSION/complete -H "$AUTH" -w '\n%{http_code}')
check "complete after the event" 200
expect_field "complete after the event" id "$ASSET"
expect_field "complete after the event" state ready

echo "== complete on a direct session: right after the PUT, it answers with the verified asset"
answer=$(curl -s -X POST $API/v1/uploads -H "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"profile\":\"image\",\"filename\":\"$FILE\",\"contentType\":\"image/jpeg\",\"byteSize\":$SIZE}" \
  -w '\n%{http_code}')
check "initiate" 201
SESSION=$(field id); ASSET=$(field assetId)
answer=$(curl -s -X POST $API/v1/uploads/$SESSION/url -H "$AUTH" -w '\n%{http_code}')
check "sign" 200
URL=$(field url)
answer=$(curl -s -X PUT -H 'Content-Type: image/jpeg' --data-binary @"$FILE" "$URL" -w '\n%{http_code}')
check "PUT to the presigned URL" 200
answer=$(curl -s -X POST $API/v1/uploads/$SESSION/complete -H "$AUTH" -w '\n%{http_code}')
check "complete" 200
expect_field "complete" id "$ASSET"
# promoted: processing while the worker renders its variants (ready if it has already finished)
[[ $(field state) == processing || $(field state) == ready ]] || fail "complete: expected processing or ready: $body"
expect_field "complete" metadata.width 1200

echo "== proxied upload"
answer=$(curl -s -X POST "$API/v1/uploads/proxied?profile=image&filename=a.png" -H "$AUTH" \
  -H 'Content-Type: image/png' --data-binary @a.png -w '\n%{http_code}')
check "proxied upload" 201
expect_field "proxied upload" filename a.png
ASSET=$(field id)
await_asset ready
expect_field "proxied asset" metadata.contentType image/png

echo "== multipart: a file the plan cuts into three parts"
# photo.jpg and zeros to 17 MiB: still a JPEG by its bytes and header (decoders stop at its end-of-image
# marker), so the image profile takes it and the asset is promoted, 1200x800.
{ cat photo.jpg; head -c $((17 * 1024 * 1024 - SIZE)) /dev/zero; } > large.jpg
LARGE_SIZE=$(stat -c %s large.jpg)
answer=$(curl -s -X POST $API/v1/uploads -H "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"profile\":\"image\",\"filename\":\"large.jpg\",\"contentType\":\"image/jpeg\",\"byteSize\":$LARGE_SIZE,\"strategy\":\"multipart\"}" \
  -w '\n%{http_code}')
check "initiate multipart" 201
expect_field "initiate multipart" partSize 8388608
expect_field "initiate multipart" partCount 3
[[ -n $(field expiresAt) ]] || fail "initiate multipart: no expiresAt in $body"
SESSION=$(field id); ASSET=$(field assetId); PART_SIZE=$(field partSize); PART_COUNT=$(field partCount)
rm -f part?
split -b "$PART_SIZE" -d -a 1 --numeric-suffixes=1 large.jpg part   # part1 part2 part3

declare -a ETAG
for ((N = 1; N <= PART_COUNT; N++)); do
  answer=$(curl -s -X POST $API/v1/uploads/$SESSION/parts/$N/url -H "$AUTH" -w '\n%{http_code}')
  check "sign part $N" 200
  expect_field "sign part $N" method PUT
  expect_field "sign part $N" partSize "$(stat -c %s part$N)"
  URL=$(field url)
  ETAG_LINE=$(curl -s -X PUT --data-binary @part$N "$URL" -D - | grep -i etag) \
    || fail "PUT part $N: no ETag in the answer"
  ETAG[N]=$(tr -d '\r' <<<"$ETAG_LINE" | sed -E 's/^[Ee][Tt][Aa][Gg]: *"?([^"]*)"?$/\1/')
  [[ ${ETAG[N]} =~ ^[0-9a-f]{32}$ ]] || fail "PUT part $N: not an S3 part ETag: $ETAG_LINE"
done

answer=$(curl -s -X POST $API/v1/uploads/$SESSION/parts/urls -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"partNumbers":[1,2,3]}' -w '\n%{http_code}')
check "sign parts 1 to 3 in one call" 200
expect_field "sign parts 1 to 3 in one call" parts.2.partNumber 3
expect_field "sign parts 1 to 3 in one call" parts.2.partSize "$(stat -c %s part3)"
expect_field "sign parts 1 to 3 in one call" parts.0.method PUT

echo "== GET the session: what storage holds"
answer=$(curl -s $API/v1/uploads/$SESSION -H "$AUTH" -w '\n%{http_code}')
check "upload status" 200
expect_field "upload status" progress in_progress
expect_field "upload status" committedBytes "$LARGE_SIZE"
expect_field "upload status" parts.2.etag "${ETAG[3]}"

echo "== complete with a part missing: refused, and the session stays usable"
answer=$(curl -s -X POST $API/v1/uploads/$SESSION/complete -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"parts":[{"partNumber":1,"etag":"'"${ETAG[1]}"'"}]}' -w '\n%{http_code}')
check "complete without parts 2 and 3" 422
expect_field "complete without parts 2 and 3" code parts_incomplete

answer=$(curl -s -X POST $API/v1/uploads/$SESSION/complete -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"parts":[{"partNumber":1,"etag":"'"${ETAG[1]}"'"},{"partNumber":2,"etag":"'"${ETAG[2]}"'"},{"partNumber":3,"etag":"'"${ETAG[3]}"'"}]}' \
  -w '\n%{http_code}')
check "complete multipart" 200
expect_field "complete multipart" id "$ASSET"
[[ $(field state) == processing || $(field state) == ready ]] || fail "complete multipart: promoted? $body"
expect_field "complete multipart" byteSize "$LARGE_SIZE"
expect_field "complete multipart" metadata '{"contentType":"image/jpeg","kind":"image","width":1200,"height":800}'

answer=$(curl -s $API/v1/uploads/$SESSION -H "$AUTH" -w '\n%{http_code}')
check "upload status after complete" 200
expect_field "upload status after complete" state completed
expect_field "upload status after complete" progress complete

echo "== cancel"
answer=$(curl -s -X DELETE $API/v1/uploads/$SESSION -H "$AUTH" -w '\n%{http_code}')
check "cancel a completed upload" 409
expect_field "cancel a completed upload" code upload_completed

answer=$(curl -s -X POST $API/v1/uploads -H "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"profile\":\"image\",\"filename\":\"$FILE\",\"contentType\":\"image/jpeg\",\"byteSize\":$SIZE}" \
  -w '\n%{http_code}')
check "initiate" 201
SESSION=$(field id)
answer=$(curl -s -X DELETE $API/v1/uploads/$SESSION -H "$AUTH" -w '\n%{http_code}')
check "cancel" 200
expect_field "cancel" state aborted
answer=$(curl -s -X DELETE $API/v1/uploads/$SESSION -H "$AUTH" -w '\n%{http_code}')
check "cancel again" 200
expect_field "cancel again" state aborted
answer=$(curl -s $API/v1/uploads/$SESSION -H "$AUTH" -w '\n%{http_code}')
check "upload status after cancel" 200
expect_field "upload status after cancel" state aborted

echo "== staged files: upload once, by checksum"
curl -s -X POST $API/v1/staged-files/reset -H "$AUTH" >/dev/null # a rerun by hand starts from nothing
B64=$(openssl dgst -sha256 -binary "$FILE" | base64)
HEX=$(sha256sum "$FILE" | cut -d' ' -f1)
answer=$(curl -s -X POST $API/v1/staged-files -H "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"checksumSha256\":\"$B64\",\"name\":\"$FILE\",\"size\":$SIZE,\"contentType\":\"image/jpeg\",\"ttlSeconds\":3600}" \
  -w '\n%{http_code}')
check "stage" 200
expect_field "stage" stagedFile.state pending
expect_field "stage" stagedFile.checksumSha256 "$HEX"
expect_field "stage" uploadRequired true
expect_field "stage" upload.method PUT
expect_field "stage" upload.headers.x-amz-checksum-sha256 "$B64"
expect_field "stage" upload.headers.content-length "$SIZE"
[[ $(field upload.url) =~ ^http://127\.0\.0\.1:[0-9]+/stowage-media/staged-files/$HEX\? ]] \
  || fail "stage: the PUT is not to staged-files/<sha256>: $body"
STAGED=$(field stagedFile.id); URL=$(field upload.url)

answer=$(curl -s -X PUT -H 'Content-Type: image/jpeg' -H "x-amz-checksum-sha256: $B64" --data-binary @a.png "$URL" \
  -w '\n%{http_code}')
[[ ${answer##*$'\n'} == 4* ]] || fail "PUT of other bytes to a staged file's URL: expected 4xx, got ${answer##*$'\n'}"
answer=$(curl -s -X PUT -H 'Content-Type: image/jpeg' -H "x-amz-checksum-sha256: $B64" --data-binary @"$FILE" "$URL" \
  -w '\n%{http_code}')
check "PUT the staged file" 200

deadline=$((SECONDS + POLL_SECONDS))
while :; do
  answer=$(curl -s $API/v1/staged-files/$STAGED -H "$AUTH" -w '\n%{http_code}')
  check "GET the staged file" 200
  [[ $(field state) == present ]] && break
  ((SECONDS < deadline)) || fail "staged file $STAGED is still $(field state) after ${POLL_SECONDS}s: $body"
  sleep $POLL_INTERVAL
done
answer=$(curl -s -X POST $API/v1/staged-files -H "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"checksumSha256\":\"$B64\",\"name\":\"$FILE\",\"size\":$SIZE,\"contentType\":\"image/jpeg\",\"ttlSeconds\":3600}" \
  -w '\n%{http_code}')
check "stage the same bytes again" 200
expect_field "stage again" uploadRequired false
expect_field "stage again" stagedFile.id "$STAGED"
expect_field "stage again" stagedFile.state present

answer=$(curl -s "$API/v1/staged-files?limit=50" -H "$AUTH" -w '\n%{http_code}')
check "list staged files" 200
expect_field "list staged files" items.0.id "$STAGED"
answer=$(curl -s $API/v1/staged-files/metrics -H "$AUTH" -w '\n%{http_code}')
check "staged-file metrics" 200
expect_field "staged-file metrics" total 1
expect_field "staged-file metrics" totalBytes "$SIZE"
answer=$(curl -s -X POST $API/v1/staged-files/cleanup -H "$AUTH" -w '\n%{http_code}')
check "cleanup" 200
expect_field "cleanup" removed 0
answer=$(curl -s -X DELETE $API/v1/staged-files/$STAGED -H "$AUTH" -w '\n%{http_code}')
check "delete the staged file" 200
answer=$(curl -s -X DELETE $API/v1/staged-files/$STAGED -H "$AUTH" -w '\n%{http_code}')
check "delete it again" 404
expect_field "delete it again" code staged_file_not_found
answer=$(curl -s -X POST $API/v1/staged-files/reset -H "$AUTH" -w '\n%{http_code}')
check "reset" 200

echo "== tokens for other callers"
ALICE=$($STOWAGE token --sub alice)
answer=$(curl -s $API/v1/uploads/$SESSION -H "Authorization: Bearer $ALICE" -w '\n%{http_code}')
check "alice reads dev-user's session" 404
answer=$(curl -s $API/v1/assets/$ASSET -H "Authorization: Bearer $ALICE" -w '\n%{http_code}')
check "alice reads dev-user's asset" 404
answer=$(curl -s -X POST $API/v1/uploads -H "Authorization: Bearer $ALICE" -H 'Content-Type: application/json' \
  -d "{\"profile\":\"image\",\"filename\":\"$FILE\",\"contentType\":\"image/jpeg\",\"byteSize\":$SIZE}" \
  -w '\n%{http_code}')
check "alice's own upload" 201

echo "== streaming uploads: straight to Mux (the emulator)"
answer=$(curl -s -X POST $API/v1/streaming/uploads -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"profile":"stream","filename":"clip.mp4"}' -w '\n%{http_code}')
check "create a streaming upload" 201
[[ $body == '{"uploadUrl":"'*'","assetId":"'*'"}' ]] || fail "create answers more than {uploadUrl, assetId}: $body"
ASSET=$(field assetId); URL=$(field uploadUrl)
answer=$(curl -s -X PUT --data-binary @"$FILE" "$URL" -w '\n%{http_code}')
check "PUT the video to the provider" 200
deadline=$((SECONDS + POLL_SECONDS))
while :; do
  answer=$(curl -s $API/v1/assets/$ASSET -H "$AUTH" -w '\n%{http_code}')
  check "GET the streaming asset" 200
  [[ $(field state) == ready ]] && break
  ((SECONDS < deadline)) || fail "streaming asset $ASSET is still $(field state) after ${POLL_SECONDS}s: $body"
  sleep $POLL_INTERVAL
done
expect_field "the streaming asset" profile stream
answer=$(curl -s -X DELETE $API/v1/streaming/uploads/$ASSET -H "$AUTH" -w '\n%{http_code}')
check "cancel after the provider finished" 409
expect_field "cancel after the provider finished" code not_cancellable
expect_field "cancel after the provider finished" reason state
expect_field "cancel after the provider finished" state ready
answer=$(curl -s -X POST $API/v1/streaming/uploads -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"profile":"stream","filename":"clip.mp4"}' -w '\n%{http_code}')
check "create another" 201
OTHER=$(field assetId)
answer=$(curl -s -X DELETE $API/v1/streaming/uploads/$OTHER -H "$AUTH" -w '\n%{http_code}')
check "cancel before the bytes" 204
answer=$(curl -s -X DELETE $API/v1/streaming/uploads/$OTHER -H "$AUTH" -w '\n%{http_code}')
check "cancel again" 204
answer=$(curl -s -X POST $API/v1/streaming/webhooks/mux -H 'Content-Type: application/json' \
  -H 'Mux-Signature: t=1,v1=00' -d '{"type":"video.asset.ready"}' -w '\n%{http_code}')
check "an unsigned webhook" 401

OPS=$($STOWAGE token --sub ops --scope stowage/operator --ttl 12h)
body=$(python3 -c 'import base64, sys; p = sys.argv[1].split(".")[1]; print(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)).decode())' "$OPS")
parse "$body"
expect_field "the ops token's claims" sub ops
[[ $(field scope) == *stowage/operator* ]] || fail "the ops token has no stowage/operator scope: $body"
(( $(field exp) - $(field iat) == 12 * 3600 )) || fail "the ops token does not live 12h: $body"
answer=$(curl -s $API/v1/uploads/$SESSION -H "Authorization: Bearer $OPS" -w '\n%{http_code}')
check "ops (authenticated, not the owner) reads dev-user's session" 404

echo "== operator report"
answer=$(curl -s "$API/v1/ops/status?olderThan=15m&limit=5" -H "Authorization: Bearer $OPS" -w '\n%{http_code}')
check "the operator report" 200
expect_field "the report's olderThan" filters.olderThan PT15M
expect_field "the report's limit" filters.limit 5
(( $(field groups.uploads.counts.completed) >= 1 )) || fail "the report counts no completed upload: $body"
(( $(field groups.uploads.counts.initialized) >= 1 )) || fail "the report misses alice's open session: $body"
expect_field "drift after the walkthrough's own uploads" summary.drift 0
answer=$(curl -s "$API/v1/ops/status?profile=image&olderThan=PT2H&format=text" -H "Authorization: Bearer $OPS" -w '\n%{http_code}')
check "the operator report as text" 200
[[ $body == *"(profile image, stuck after 2h, 10 examples)"* && $body == *"uploads: "* ]] \
  || fail "the text report is not the README's: $body"
answer=$(curl -s "$API/v1/ops/status" -H "Authorization: Bearer $ALICE" -w '\n%{http_code}')
check "alice (no operator scope) reads the operator report" 403
expect_field "alice's refusal" code forbidden
answer=$(curl -s "$API/v1/ops/status?olderThan=soon" -H "Authorization: Bearer $OPS" -w '\n%{http_code}')
check "a report with a bad olderThan" 422
expect_field "the bad olderThan's code" code invalid_duration

HELP=$($STOWAGE help)
for word in local token migrate help --port --data --ephemeral --sub --scope --ttl; do
  grep -q -- "$word" <<<"$HELP" || fail "./stowage help does not mention $word: $HELP"
done

echo "walkthrough: every README command answered as the README says"
