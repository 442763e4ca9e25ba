// parse.js FORMAT < FILE: parses a citation export with citation-js and
// prints the CSL-JSON items it reads, for the citation tests of package
// query. FORMAT is ris, bibtex or csl-json.
const { Cite, plugins } = require('@citation-js/core')
require('@citation-js/plugin-ris')
require('@citation-js/plugin-bibtex')
require('@citation-js/plugin-csl')

const forceType = { ris: '@ris/file', bibtex: '@biblatex/text', 'csl-json': '@csl/list+object' }

let input = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (d) => { input += d })
process.stdin.on('end', () => {
  const format = process.argv[2]
  if (!(format in forceType)) {
    console.error('unknown format ' + format)
    process.exit(2)
  }
  const data = format === 'csl-json' ? JSON.parse(input) : input
  const cite = new Cite(data, { forceType: forceType[format] })
  process.stdout.write(JSON.stringify(cite.data, null, 1) + '\n')
})
