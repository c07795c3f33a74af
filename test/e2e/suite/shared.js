// State handed from one suite file to the next (mocha runs them in order, in one extension host).
'use strict';
module.exports = {
  /** The app launched by launch.test.js: { appId, topSession, pids } */
  launched: undefined,
};
