// Tests entry for the installed .vsix (no extensionDevelopmentPath): the packaged extension, as a user
// gets it, activates and its bundled language server and manager CLI work without the repo's node_modules.
'use strict';
const path = require('node:path');
const { runMocha } = require('../suite/runner');

exports.run = () => runMocha([path.join(__dirname, 'installed.test.js')]);
