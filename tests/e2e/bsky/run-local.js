// A real Bluesky PDS with an in-memory PLC directory, bound to 127.0.0.1 only (ENVIRONMENT.md §5a).
// Ports from PLC_PORT / PDS_PORT; data in PDS_DATA_DIRECTORY. Prints "ready" when both listen.
const crypto = require('node:crypto')
const { PlcServer, Database: PlcDatabase } = require('@did-plc/server')
const { PDS, envToCfg, envToSecrets, readEnv } = require('@atproto/pds')

const bindLoopback = (app) => {
  const orig = app.listen.bind(app)
  app.listen = (port, ...rest) => orig(port, '127.0.0.1', ...rest)
}

async function main () {
  const plcPort = Number(process.env.PLC_PORT || 2582)
  const plc = PlcServer.create({ db: PlcDatabase.mock(), port: plcPort })
  bindLoopback(plc.app)
  await plc.start()
  const hex = () => crypto.randomBytes(32).toString('hex')
  process.env.PDS_HOSTNAME ??= 'localhost'
  process.env.PDS_PORT ??= '2583'
  process.env.PDS_DEV_MODE ??= 'true'
  process.env.PDS_INVITE_REQUIRED ??= 'false'
  process.env.PDS_DATA_DIRECTORY ??= './data'
  process.env.PDS_BLOBSTORE_DISK_LOCATION ??= `${process.env.PDS_DATA_DIRECTORY}/blobs`
  process.env.PDS_DID_PLC_URL ??= `http://127.0.0.1:${plcPort}`
  process.env.PDS_JWT_SECRET ??= hex()
  process.env.PDS_DPOP_SECRET ??= hex()
  process.env.PDS_ADMIN_PASSWORD ??= 'admin-pass'
  process.env.PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX ??= hex()
  require('node:fs').mkdirSync(process.env.PDS_DATA_DIRECTORY, { recursive: true })
  const env = readEnv()
  const pds = await PDS.create(envToCfg(env), envToSecrets(env))
  bindLoopback(pds.app)
  await pds.start()
  console.log('ready')
  const stop = async () => { await pds.destroy(); await plc.destroy(); process.exit(0) }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((e) => { console.error(e); process.exit(1) })
