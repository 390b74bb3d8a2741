// An independent reader of Sunshine's data packages: the Frictionless
// JavaScript libraries (datapackage, tableschema; Data Package v1), as a
// harvester would use them. The Go tests run it and check what it read.
//
//   node read.js SOURCE
//
// SOURCE is a datapackage.json (a path or its http(s) URL: the resources are
// read relative to it) or a .zip holding one. It prints one JSON object:
//   valid, errors        the package as the library loads it (its own profile)
//   profile              the profile the descriptor declares
//   profiles             the descriptor checked against the named v1 profiles
//                        (tabular-data-package, fiscal-data-package)
//   resources[]          per resource: profile, valid, errors, schemaErrors
//                        (the Table Schema alone), headers, rows (every row
//                        read with casting and its foreign keys resolved, keyed
//                        by field name; numbers are JSON numbers, missing
//                        values null), relationsChecked (every foreign key
//                        found in the resource it names), readErrors
// It exits 0 whenever it could print that report; the tests judge it.
'use strict'

const { Package, Profile } = require('datapackage')
const tableschema = require('tableschema')

function messages(errors) {
  return (errors || []).map((e) => String((e && e.message) || e))
}

async function main() {
  const source = process.argv[2]
  if (!source) {
    throw new Error('usage: node read.js DATAPACKAGE_JSON_OR_URL_OR_ZIP')
  }
  const pkg = await Package.load(source)
  const descriptor = pkg.descriptor
  const out = {
    source,
    valid: pkg.valid,
    errors: messages(pkg.errors),
    profile: pkg.profile ? pkg.profile.name : null,
    declaredProfile: descriptor.profile || null,
    profiles: {},
    resources: [],
  }
  for (const name of ['tabular-data-package', 'fiscal-data-package']) {
    const result = (await Profile.load(name)).validate(descriptor)
    out.profiles[name] = { valid: result.valid, errors: messages(result.errors) }
  }
  for (const resource of pkg.resources) {
    const d = resource.descriptor
    const entry = {
      name: resource.name,
      profile: d.profile || null,
      tabular: resource.tabular,
      valid: resource.valid,
      errors: messages(resource.errors),
      schemaErrors: [],
      headers: null,
      rows: null,
      relationsChecked: false,
      readErrors: [],
    }
    if (d.schema) {
      const check = await tableschema.validate(d.schema)
      entry.schemaErrors = check.valid ? [] : messages(check.errors)
    }
    if (resource.tabular) {
      try {
        entry.rows = await resource.read({ keyed: true, cast: true })
        entry.headers = resource.headers
      } catch (e) {
        entry.readErrors = [String(e.message || e)].concat(messages(e.errors))
      }
      if (d.schema && d.schema.foreignKeys && d.schema.foreignKeys.length) {
        try {
          entry.relationsChecked = await resource.checkRelations()
        } catch (e) {
          entry.readErrors.push('foreign keys: ' + String(e.message || e))
        }
      }
    }
    out.resources.push(entry)
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}

main().catch((e) => {
  process.stderr.write('read.js: ' + (e.stack || e) + '\n')
  if (e.errors) {
    process.stderr.write(messages(e.errors).join('\n') + '\n')
  }
  process.exit(1)
})
