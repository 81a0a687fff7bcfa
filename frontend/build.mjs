// Build the Confide staff web shell assets (no dependencies beyond sass).
//
//   npm run build
//
// - compiles styles/confide.scss -> assets/confide.css (compressed, no map)
// - copies GOV.UK Frontend's compiled JS into assets/ (served at /assets/). GDS Transport fonts are deliberately NOT copied: Confide is not
//   on a service.gov.uk domain and must not use them.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const here = dirname(fileURLToPath(import.meta.url))
const govuk = join(here, 'node_modules', 'govuk-frontend', 'dist', 'govuk')
const out = join(here, 'assets')

await mkdir(out, { recursive: true })

const result = await sass.compileAsync(join(here, 'styles', 'confide.scss'), {
  style: 'compressed',
  sourceMap: false,
  loadPaths: [join(here, 'node_modules')],
  quietDeps: true
})
if (/GDS Transport/i.test(result.css)) {
  throw new Error('compiled CSS mentions GDS Transport; check the font settings')
}
await writeFile(join(out, 'confide.css'), result.css + '\n')

// GOV.UK Frontend JS (an ES module; loaded via assets/confide.mjs). Strip the
// sourceMappingURL comment because the .map file is not shipped.
const js = await readFile(join(govuk, 'govuk-frontend.min.js'), 'utf8')
await writeFile(
  join(out, 'govuk-frontend.min.js'),
  js.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n')
)

// GOV.UK's images (crown favicons, icons, the royal crest) are deliberately not
// copied: Confide is not a GOV.UK service. No template or used style refers to them.
await rm(join(out, 'images'), { recursive: true, force: true })
await rm(join(out, 'manifest.json'), { force: true })

const { version } = JSON.parse(await readFile(join(here, 'node_modules', 'govuk-frontend', 'package.json'), 'utf8'))
console.log(`built assets/confide.css (${result.css.length} bytes) with govuk-frontend ${version}`)
