#!/usr/bin/env bash
# The consumer test: protolab as a user outside this repository gets it.
#   1. pack every public package (scripts/pack-all.sh: build, then npm pack → ./packed/*.tgz);
#   2. make a fresh project in a temporary directory, with no path back to this checkout, and
#      npm-install the tarballs (plus typescript and tsx from the registry, the versions we pin);
#   3. run there (a) an ESM JavaScript program, (b) a TypeScript program under tsx, and
#      (c) `tsc --noEmit` with moduleResolution nodenext and with bundler — each using three
#      packages the way their READMEs show;
#   4. `npm publish --dry-run` for every package (what the release workflow would upload).
# Prints "N passed, N failed" for the checks and exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
ts_version=$(node -p "require('./package.json').devDependencies.typescript")
tsx_version=$(node -p "require('./package.json').devDependencies.tsx")
types_node=$(node -p "require('./package.json').devDependencies['@types/node']")

bash scripts/pack-all.sh >/dev/null || { echo "consumer: packing failed"; echo "0 passed, 1 failed"; exit 1; }
app=$(mktemp -d /tmp/protolab-consumer-XXXXXX)
trap 'rm -rf "$app"' EXIT
cp packed/*.tgz "$app/"
cd "$app"
cat > package.json <<'EOF'
{ "name": "protolab-consumer", "private": true, "type": "module" }
EOF
npm install --no-audit --no-fund --silent ./*.tgz "typescript@$ts_version" "tsx@$tsx_version" "@types/node@$types_node" \
  || { echo "consumer: npm install of the tarballs failed"; echo "0 passed, 1 failed"; exit 1; }
# Nothing may resolve back into the monorepo.
if grep -rq "$repo" node_modules/@protolab 2>/dev/null; then echo "consumer: an installed package refers to $repo"; fi

cat > app.mjs <<'EOF'
// (a) plain ESM JavaScript, as the packages' READMEs show
import { keyHashSlot } from '@protolab/redis-cluster';
import { Keyspace } from '@protolab/redis-keyspace';
import { encode, RespDecoder } from '@protolab/resp';

const slot = keyHashSlot('{user1000}.following');
if (slot !== 3443) throw new Error(`slot ${slot}`);
let now = 1_700_000_000_000;
const ks = new Keyspace({ now: () => now });
ks.execute(['SET', 'k', 'v', 'PX', '1500']);
const wire = Buffer.from(encode(ks.execute(['PTTL', 'k']))).toString();
if (wire !== ':1500\r\n') throw new Error(`wire ${JSON.stringify(wire)}`);
now += 2000;
if (ks.get('k') !== undefined) throw new Error('key did not expire');
const dec = new RespDecoder();
const vals = dec.push(Buffer.from('+OK\r\n'));
if (vals.length !== 1) throw new Error('decoder');
console.log(`esm ok: slot ${slot}, ${JSON.stringify(wire)}`);
EOF

cat > app.ts <<'EOF'
// (b) TypeScript under tsx, and (c) the same file type-checked by tsc
import { Prng } from '@protolab/sim';
import { Ensemble } from '@protolab/zookeeper';
import { createScheduler, SCHEDULER_NAMES } from '@protolab/lvs';

const e = new Ensemble({ n: 5, seed: 1 });
for (const sid of [1, 2, 3, 4, 5]) { e.start(sid); e.runFor(3000); }
e.runUntil((x) => x.stable());
const leader: number | undefined = e.leader();
if (leader !== 3) throw new Error(`leader ${String(leader)}, the seed's example says 3`);
const draw: number = new Prng(7).float();
const names: readonly string[] = SCHEDULER_NAMES;
console.log(`ts ok: leader s${leader}, ${names.length} IPVS schedulers (${typeof createScheduler}), prng ${draw.toFixed(3)}`);
EOF

pass=0; fail=0
check() { local what=$1; shift; if "$@" >"$app/.out" 2>&1; then pass=$((pass+1)); echo "✓ $what: $(tail -1 "$app/.out")"; else fail=$((fail+1)); echo "✗ $what"; sed 's/^/    /' "$app/.out" | tail -20; fi; }

check "ESM JavaScript (node app.mjs)" node app.mjs
check "TypeScript under tsx (npx tsx app.ts)" npx tsx app.ts
for res in nodenext bundler; do
  mod=$([ "$res" = nodenext ] && echo nodenext || echo esnext)
  cat > "tsconfig.$res.json" <<EOF
{ "compilerOptions": { "target": "es2022", "module": "$mod", "moduleResolution": "$res", "strict": true,
  "noEmit": true, "skipLibCheck": false, "types": ["node"], "lib": ["es2023"] }, "files": ["app.ts"] }
EOF
  check "tsc --noEmit, moduleResolution $res" npx tsc -p "tsconfig.$res.json"
done

cd "$repo"
for dir in packages/*/; do
  [ "$(node -p "require('./${dir}package.json').private === true")" = true ] && continue
  name=$(node -p "require('./${dir}package.json').name")
  check "npm publish --dry-run $name" bash -c "cd '$dir' && npm publish --dry-run --ignore-scripts --provenance=false"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
