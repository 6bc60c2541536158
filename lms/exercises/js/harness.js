// The test harness of the exercise grader (lms/exercises/runner.py evaluates it).
//
// It is evaluated in every fresh V8 context after the libraries (React, the DOM) and before
// any learner code, as `(<this file>)(options)`. It keeps private references to every
// built-in it uses, gives the tests their helpers (expect, logs, mockFetch, render, mount,
// ...) as local variables, runs timers on a virtual clock, and then freezes the realm's
// intrinsics so that learner code cannot change what the harness relies on. Python talks
// to it through one global, `__lms`, whose methods need the context's secret nonce.
(function lmsHarness(options) {
  "use strict";

  // ---- private references, taken before anything else can run ----
  const G = globalThis;
  const OObject = Object;
  const { apply: RApply, ownKeys: ROwnKeys, getPrototypeOf: RGetProto, defineProperty: RDefine } = Reflect;
  const {
    freeze, isFrozen, keys: OKeys, getOwnPropertyDescriptor: OGetDesc,
    getOwnPropertyDescriptors: OGetDescs, create: OCreate, is: OIs, entries: OEntries,
  } = Object;
  const uncurry = (fn) => (self, ...args) => RApply(fn, self, args);
  const hasOwn = uncurry(Object.prototype.hasOwnProperty);
  const objToString = uncurry(Object.prototype.toString);
  const fnToString = uncurry(Function.prototype.toString);
  const fnHasInstance = uncurry(Function.prototype[Symbol.hasInstance]);
  const isArray = Array.isArray;
  const arrayFrom = Array.from;
  const arrayPush = uncurry(Array.prototype.push);
  const arrayJoin = uncurry(Array.prototype.join);
  const arraySlice = uncurry(Array.prototype.slice);
  const arraySort = uncurry(Array.prototype.sort);
  const arraySplice = uncurry(Array.prototype.splice);
  const arrayIndexOf = uncurry(Array.prototype.indexOf);
  const arrayIncludes = uncurry(Array.prototype.includes);
  const arrayMap = uncurry(Array.prototype.map);
  const strIncludes = uncurry(String.prototype.includes);
  const strSlice = uncurry(String.prototype.slice);
  const strReplace = uncurry(String.prototype.replace);
  const strSplit = uncurry(String.prototype.split);
  const strTrim = uncurry(String.prototype.trim);
  const strIndexOf = uncurry(String.prototype.indexOf);
  const strCharCodeAt = uncurry(String.prototype.charCodeAt);
  const regexpExec = uncurry(RegExp.prototype.exec);
  const regexpTest = uncurry(RegExp.prototype.test);
  const regexpToString = uncurry(RegExp.prototype.toString);
  const lastIndexDesc = (re) => OGetDesc(re, "lastIndex");
  const dateGetTime = uncurry(Date.prototype.getTime);
  const dateToISOString = uncurry(Date.prototype.toISOString);
  const errorToString = uncurry(Error.prototype.toString);
  const mapForEach = uncurry(Map.prototype.forEach);
  const mapGet = uncurry(Map.prototype.get);
  const mapHas = uncurry(Map.prototype.has);
  const mapSet = uncurry(Map.prototype.set);
  const mapDelete = uncurry(Map.prototype.delete);
  const mapSize = uncurry(OGetDesc(Map.prototype, "size").get);
  const setAdd = uncurry(Set.prototype.add);
  const setHas = uncurry(Set.prototype.has);
  const setForEach = uncurry(Set.prototype.forEach);
  const setSize = uncurry(OGetDesc(Set.prototype, "size").get);
  const weakMapGet = uncurry(WeakMap.prototype.get);
  const weakMapSet = uncurry(WeakMap.prototype.set);
  const weakMapHas = uncurry(WeakMap.prototype.has);
  const NMap = Map;
  const NSet = Set;
  const NWeakMap = WeakMap;
  const NPromise = Promise;
  const promiseThen = uncurry(Promise.prototype.then);
  const promiseResolve = (v) => RApply(Promise.resolve, NPromise, [v]);
  const NError = Error;
  const NTypeError = TypeError;
  const NString = String;
  const NNumber = Number;
  const NSymbol = Symbol;
  const symbolToString = uncurry(Symbol.prototype.toString);
  const bigintToString = uncurry(BigInt.prototype.toString);
  const numberIsNaN = Number.isNaN;
  const mathAbs = Math.abs;
  const mathPow = Math.pow;
  const mathMax = Math.max;
  const jsonStringify = JSON.stringify;
  const NDate = Date;
  // The constructor of async functions: the learner's module is compiled with it as a
  // function body of its own, so no text in it can close the function and run outside.
  const NAsyncFunction = RGetProto(async function () {}).constructor;
  const NSyntaxError = SyntaxError;
  const realNow = Date.now;
  const dateParse = Date.parse;
  const dateUTC = Date.UTC;

  const NONCE = options.nonce;
  // Tests from this index on are hidden: their results say passed or failed, nothing else.
  const HIDDEN_FROM = typeof options.hiddenFrom === "number" ? options.hiddenFrom : Infinity;
  const MAX_LOG_LINES = 500;
  const MAX_LINE = 2000;
  const MAX_MESSAGE = 2000;
  const LEARNER_FILE = "learner.js";
  const LEARNER_PREFIX = '"use strict";';

  // How many lines the Function constructor puts before a body's first line (two in V8:
  // "(async function anonymous(<params>" and ") {"); the runner measures it once per process.
  const LINE_OFFSET = typeof options.lineOffset === "number" ? options.lineOffset : 2;
  const TIMER_FIRINGS_PER_FLUSH = 10000;
  const VIRTUAL_WAIT_LIMIT_MS = 60 * 60 * 1000;

  // ---- every message a learner can see, in each language of the platform ----
  // The same keys and the same {placeholders} in every language (a test checks it); the
  // values put into the placeholders are code values, shown as they are.
  const MESSAGES = {
    en: {
      toBe: "expected {received} to be {expected}",
      toBeNot: "expected {received} not to be {expected}",
      useToEqual: " (they are equal but not the same object: use toEqual)",
      invisibleNote: " (the texts look alike but differ in characters you cannot see: {what})",
      invisibleContainNote: " (it is there, but with characters you cannot see in a different place: {what})",
      invisibleYours: "your text has {name} ({code})",
      invisibleExpected: "the expected text has {name} ({code})",
      invisibleYoursEnd: "your text has spaces at the end",
      invisibleExpectedEnd: "the expected text has spaces at the end",
      invisibleYoursStart: "your text has spaces at the start",
      invisibleExpectedStart: "the expected text has spaces at the start",
      invisibleEscaped: " (\\u00a0 and the like are characters you cannot see, such as a no-break space, written as codes)",
      invisibleSpacing: "the spaces between the words differ (more than one in a row, or a line break)",
      invisibleOrdinarySpace: "an ordinary space",
      char_a0: "a no-break space",
      char_202f: "a narrow no-break space",
      char_2007: "a figure space",
      char_2009: "a thin space",
      char_200b: "a zero-width space",
      char_200c: "a zero-width non-joiner",
      char_200d: "a zero-width joiner",
      char_2060: "a word joiner",
      char_feff: "a zero-width no-break space",
      char_ad: "a soft hyphen",
      char_9: "a tab",
      toEqual: "expected {received} to equal {expected}",
      toEqualNot: "expected {received} not to equal {expected}",
      needNumber: "expected a number, but got {received}",
      toBeCloseTo: "expected {received} to be close to {expected} ({digits} decimal places)",
      toBeCloseToNot: "expected {received} not to be close to {expected} ({digits} decimal places)",
      toBeTruthy: "expected {received} to be truthy",
      toBeFalsy: "expected {received} to be falsy",
      toBeNull: "expected {received} to be null",
      toBeNullNot: "expected {received} not to be null",
      toBeUndefined: "expected {received} to be undefined",
      toBeUndefinedNot: "expected {received} not to be undefined",
      toBeDefined: "expected {received} to be defined",
      toBeDefinedNot: "expected {received} not to be defined",
      toBeNaN: "expected {received} to be NaN",
      toBeNaNNot: "expected {received} not to be NaN",
      needStringOrArray: "expected a string or an array, but got {received}",
      toContain: "expected {received} to contain {item}",
      toContainNot: "expected {received} not to contain {item}",
      needLength: "expected {received} to have a length",
      toHaveLength: "expected {received} to have length {length}, but its length is {actual}",
      toHaveLengthNot: "expected {received} not to have length {length}",
      toHaveProperty: "expected {received} to have property {path}",
      toHavePropertyNot: "expected {received} not to have property {path}",
      toHavePropertyValue: "expected {received} to have property {path} equal to {value}",
      toHavePropertyValueNot: "expected {received} not to have property {path} equal to {value}",
      butItIs: ", but it is {actual}",
      needString: "expected a string, but got {received}",
      toMatch: "expected {received} to match {pattern}",
      toMatchNot: "expected {received} not to match {pattern}",
      toBeGreaterThan: "expected {received} to be greater than {expected}",
      toBeGreaterThanNot: "expected {received} not to be greater than {expected}",
      toBeGreaterThanOrEqual: "expected {received} to be greater than or equal to {expected}",
      toBeGreaterThanOrEqualNot: "expected {received} not to be greater than or equal to {expected}",
      toBeLessThan: "expected {received} to be less than {expected}",
      toBeLessThanNot: "expected {received} not to be less than {expected}",
      toBeLessThanOrEqual: "expected {received} to be less than or equal to {expected}",
      toBeLessThanOrEqualNot: "expected {received} not to be less than or equal to {expected}",
      compareWithNonNumber: "the test compares with {expected}, which is not a number",
      needClass: "toBeInstanceOf needs a class, but got {received}",
      toBeInstanceOf: "expected {received} to be an instance of {name}",
      toBeInstanceOfNot: "expected {received} not to be an instance of {name}",
      throwAny: "",
      throwContaining: " an error containing {text}",
      throwMatching: " an error matching {pattern}",
      throwInstance: " an instance of {name}",
      throwMessage: " an error with message {message}",
      toThrowNone: "expected the code to throw{what}, but it did not throw",
      toThrowOther: "expected the code to throw{what}, but it threw {thrown}",
      toThrowNot: "expected the code not to throw{what}, but it threw {thrown}",
      toThrowNeedsFunction: "expect(...).toThrow() needs a function, e.g. expect(() => f(1)).toThrow(), but got {received}",
      expectationFailed: "the expectation failed",
      needPromise: "expected a promise after .{mode}, but got {received}",
      promiseResolved: "expected the promise to reject, but it resolved to {value}",
      promiseRejected: "expected the promise to resolve, but it rejected with {reason}",
      expectOneValue: "expect takes one value; the expected value goes in the matcher, e.g. expect(a).toBe(b)",
      threwValue: "the code threw {value}",
      threwUnshowable: "the code threw a value that cannot be shown",
      unshowable: "[a value that cannot be shown]",
      logsCut: "… (more output was cut: at most {max} lines are kept)",
      uncaughtInCallback: "an error was thrown in a timer or callback: {error}",
      codeStillWaiting: "the code did not finish: it was still waiting after an hour of (simulated) time",
      testStillWaiting: "the test did not finish: it was still waiting after an hour of (simulated) time",
      codeNeverLoads: "the code did not finish loading: it waits for something that never happens",
      testNeverFinishes: "the test did not finish: it waits for something that never happens (a promise that never settles?)",
      importOnlyReact: "Cannot import '{name}': only 'react' can be imported here",
      importNothing: "Cannot import '{name}': this exercise's code cannot import modules",
      queueMicrotaskNeedsFunction: "queueMicrotask needs a function",
      readOnlyBuiltin: "Cannot assign to read only property '{key}' of the built-in prototype",
      mockFetchNeedsRoutes: "mockFetch needs an object of routes, e.g. mockFetch({ '/api/users': { status: 200, json: [] } })",
      renderIsForReact: "render() is for React exercises",
      renderNeedsElement: "render() needs a React element, e.g. render(<App />), but got {received}",
      mountIsForReact: "mount() is for React exercises",
      mountNeedsElement: "mount() needs a React element, e.g. mount(<App />), but got {received}",
      findNeedsQuery: "find() needs a tag name ('button'), a component, or a function that tests a node, but got {received}",
      foundNothing: "{what}({query}) found nothing",
      aFunction: "a function",
      getByTextFoundNothing: "getByText({text}) found no element with that text",
      noHandler: "this <{type}> has no {prop} handler",
      lineOfYourCode: " (line {line} of your code)",
      testSyntaxError: "this test's code has a syntax error: {error}",
      lineOfTheTest: " (line {line} of the test)",
      harnessBroken: "your code broke something the tests rely on, so this could not finish ({error})",
      htmlComment: "'<!--', and '-->' at the start of a line, begin a comment here (an old HTML rule), not code as in a module: take them out, or in a string write '<!' + '--'",
      cssIsForHtml: "css() is for exercises whose answer is an HTML page (language: html)",
      cssSyntax: "the CSS in <style> has an error on line {line} of your page: {reason}",
      cssNeedsSelector: "css().value needs a selector and a property, e.g. css().value('nav ul', 'display')",
      cssNoRule: "your style sheet has no rule for the selector {selector} (outside @media)",
      cssNoRuleInMedia: "your style sheet has no rule for the selector {selector} inside an @media with {media}",
      cssNoProperty: "the rule for {selector} does not set {property}",
      accessibleNameNeedsElement: "accessibleName() needs an element, e.g. accessibleName(document.querySelector('button')), but got {received}",
      getByLabelTextFoundNothing: "getByLabelText({text}) found no form field with that name (a <label>, aria-label or aria-labelledby)",
    },
    lv: {
      toBe: "gaidīja {expected}, bet saņēma {received}",
      toBeNot: "gaidīja vērtību, kas nav {expected}, bet saņēma {received}",
      useToEqual: " (tās ir vienādas, bet nav viens un tas pats objekts: izmantojiet toEqual)",
      invisibleNote: " (teksti izskatās vienādi, bet atšķiras ar rakstzīmēm, ko nevar redzēt: {what})",
      invisibleContainNote: " (tas tur ir, bet ar neredzamām rakstzīmēm citā vietā: {what})",
      invisibleYours: "jūsu tekstā ir {name} ({code})",
      invisibleExpected: "gaidītajā tekstā ir {name} ({code})",
      invisibleYoursEnd: "jūsu teksta beigās ir atstarpes",
      invisibleExpectedEnd: "gaidītā teksta beigās ir atstarpes",
      invisibleYoursStart: "jūsu teksta sākumā ir atstarpes",
      invisibleExpectedStart: "gaidītā teksta sākumā ir atstarpes",
      invisibleEscaped: " (\\u00a0 un līdzīgi kodi ir rakstzīmes, ko nevar redzēt, piemēram, nedalāmā atstarpe)",
      invisibleSpacing: "atšķiras atstarpes starp vārdiem (vairākas pēc kārtas vai jauna rinda)",
      invisibleOrdinarySpace: "parasta atstarpe",
      char_a0: "nedalāmā atstarpe",
      char_202f: "šaurā nedalāmā atstarpe",
      char_2007: "ciparu atstarpe",
      char_2009: "šaurā atstarpe",
      char_200b: "nulles platuma atstarpe",
      char_200c: "nulles platuma nesavienotājs",
      char_200d: "nulles platuma savienotājs",
      char_2060: "vārdu savienotājs",
      char_feff: "nulles platuma nedalāmā atstarpe",
      char_ad: "mīkstā defise",
      char_9: "tabulācija",
      toEqual: "gaidīja vērtību, kas vienāda ar {expected}, bet saņēma {received}",
      toEqualNot: "gaidīja vērtību, kas nav vienāda ar {expected}, bet saņēma {received}",
      needNumber: "gaidīja skaitli, bet saņēma {received}",
      toBeCloseTo: "gaidīja vērtību, kas tuva {expected} ({digits} zīmes aiz komata), bet saņēma {received}",
      toBeCloseToNot: "gaidīja vērtību, kas nav tuva {expected} ({digits} zīmes aiz komata), bet saņēma {received}",
      toBeTruthy: "gaidīja patiesu (truthy) vērtību, bet saņēma {received}",
      toBeFalsy: "gaidīja nepatiesu (falsy) vērtību, bet saņēma {received}",
      toBeNull: "gaidīja null, bet saņēma {received}",
      toBeNullNot: "gaidīja vērtību, kas nav null, bet saņēma {received}",
      toBeUndefined: "gaidīja undefined, bet saņēma {received}",
      toBeUndefinedNot: "gaidīja vērtību, kas nav undefined, bet saņēma {received}",
      toBeDefined: "gaidīja definētu vērtību (ne undefined), bet saņēma {received}",
      toBeDefinedNot: "gaidīja undefined, bet saņēma {received}",
      toBeNaN: "gaidīja NaN, bet saņēma {received}",
      toBeNaNNot: "gaidīja vērtību, kas nav NaN, bet saņēma {received}",
      needStringOrArray: "gaidīja virkni vai masīvu, bet saņēma {received}",
      toContain: "gaidīja, ka {received} saturēs {item}, bet tā nav",
      toContainNot: "gaidīja, ka {received} nesaturēs {item}, bet tas to satur",
      needLength: "gaidīja vērtību ar garumu (length), bet saņēma {received}",
      toHaveLength: "gaidīja garumu {length}, bet vērtības {received} garums ir {actual}",
      toHaveLengthNot: "gaidīja, ka vērtības {received} garums nebūs {length}",
      toHaveProperty: "gaidīja, ka vērtībai {received} būs īpašība {path}",
      toHavePropertyNot: "gaidīja, ka vērtībai {received} nebūs īpašības {path}",
      toHavePropertyValue: "gaidīja, ka vērtības {received} īpašība {path} būs vienāda ar {value}",
      toHavePropertyValueNot: "gaidīja, ka vērtības {received} īpašība {path} nebūs vienāda ar {value}",
      butItIs: ", bet tā ir {actual}",
      needString: "gaidīja virkni, bet saņēma {received}",
      toMatch: "gaidīja, ka {received} atbildīs {pattern}, bet tā nav",
      toMatchNot: "gaidīja, ka {received} neatbildīs {pattern}, bet tas atbilst",
      toBeGreaterThan: "gaidīja vērtību, kas lielāka par {expected}, bet saņēma {received}",
      toBeGreaterThanNot: "gaidīja vērtību, kas nav lielāka par {expected}, bet saņēma {received}",
      toBeGreaterThanOrEqual: "gaidīja vērtību, kas lielāka par {expected} vai vienāda ar to, bet saņēma {received}",
      toBeGreaterThanOrEqualNot: "gaidīja vērtību, kas mazāka par {expected}, bet saņēma {received}",
      toBeLessThan: "gaidīja vērtību, kas mazāka par {expected}, bet saņēma {received}",
      toBeLessThanNot: "gaidīja vērtību, kas nav mazāka par {expected}, bet saņēma {received}",
      toBeLessThanOrEqual: "gaidīja vērtību, kas mazāka par {expected} vai vienāda ar to, bet saņēma {received}",
      toBeLessThanOrEqualNot: "gaidīja vērtību, kas lielāka par {expected}, bet saņēma {received}",
      compareWithNonNumber: "tests salīdzina ar {expected}, bet tas nav skaitlis",
      needClass: "toBeInstanceOf vajag klasi, bet saņēma {received}",
      toBeInstanceOf: "gaidīja klases {name} instanci, bet saņēma {received}",
      toBeInstanceOfNot: "gaidīja vērtību, kas nav klases {name} instance, bet saņēma {received}",
      throwAny: " kļūdu",
      throwContaining: " kļūdu, kas satur {text}",
      throwMatching: " kļūdu, kas atbilst {pattern}",
      throwInstance: " klases {name} instanci",
      throwMessage: " kļūdu ar ziņojumu {message}",
      toThrowNone: "gaidīja, ka kods izmetīs{what}, bet tas neko neizmeta",
      toThrowOther: "gaidīja, ka kods izmetīs{what}, bet tas izmeta {thrown}",
      toThrowNot: "gaidīja, ka kods neizmetīs{what}, bet tas izmeta {thrown}",
      toThrowNeedsFunction: "expect(...).toThrow() vajag funkciju, piemēram, expect(() => f(1)).toThrow(), bet saņēma {received}",
      expectationFailed: "pārbaude neizdevās",
      needPromise: "pēc .{mode} gaidīja solījumu (promise), bet saņēma {received}",
      promiseResolved: "gaidīja, ka solījums (promise) tiks noraidīts, bet tas izpildījās ar {value}",
      promiseRejected: "gaidīja, ka solījums (promise) izpildīsies, bet tas tika noraidīts ar {reason}",
      expectOneValue: "expect pieņem vienu vērtību; gaidīto vērtību raksta pārbaudē, piemēram, expect(a).toBe(b)",
      threwValue: "kods izmeta {value}",
      threwUnshowable: "kods izmeta vērtību, ko nevar parādīt",
      unshowable: "[vērtība, ko nevar parādīt]",
      logsCut: "… (pārējā izvade nogriezta: glabā ne vairāk kā {max} rindas)",
      uncaughtInCallback: "taimerī vai atzvanā (callback) tika izmesta kļūda: {error}",
      codeStillWaiting: "kods nepabeidza darbu: tas joprojām gaidīja pēc stundas (simulēta) laika",
      testStillWaiting: "tests nepabeidza darbu: tas joprojām gaidīja pēc stundas (simulēta) laika",
      codeNeverLoads: "kods nepabeidza ielādi: tas gaida kaut ko, kas nekad nenotiek",
      testNeverFinishes: "tests nepabeidza darbu: tas gaida kaut ko, kas nekad nenotiek (solījumu, kas nekad neatrisinās?)",
      importOnlyReact: "Nevar importēt '{name}': šeit var importēt tikai 'react'",
      importNothing: "Nevar importēt '{name}': šī uzdevuma kods nevar importēt moduļus",
      queueMicrotaskNeedsFunction: "queueMicrotask vajag funkciju",
      readOnlyBuiltin: "Nevar piešķirt vērtību iebūvētā prototipa tikai lasāmajai īpašībai '{key}'",
      mockFetchNeedsRoutes: "mockFetch vajag maršrutu objektu, piemēram, mockFetch({ '/api/users': { status: 200, json: [] } })",
      renderIsForReact: "render() ir paredzēts React uzdevumiem",
      renderNeedsElement: "render() vajag React elementu, piemēram, render(<App />), bet saņēma {received}",
      mountIsForReact: "mount() ir paredzēts React uzdevumiem",
      mountNeedsElement: "mount() vajag React elementu, piemēram, mount(<App />), bet saņēma {received}",
      findNeedsQuery: "find() vajag taga nosaukumu ('button'), komponentu vai funkciju, kas pārbauda mezglu, bet saņēma {received}",
      foundNothing: "{what}({query}) neko neatrada",
      aFunction: "funkcija",
      getByTextFoundNothing: "getByText({text}) neatrada elementu ar šādu tekstu",
      noHandler: "šim <{type}> nav {prop} apstrādātāja",
      lineOfYourCode: " ({line}. rinda jūsu kodā)",
      testSyntaxError: "šī testa kodā ir sintakses kļūda: {error}",
      lineOfTheTest: " ({line}. rinda testā)",
      harnessBroken: "jūsu kods sabojāja kaut ko, uz ko balstās testi, tāpēc šo nevarēja pabeigt ({error})",
      htmlComment: "'<!--', kā arī '-->' rindas sākumā, šeit sāk komentāru (sens HTML noteikums), nevis kodu kā modulī: izņemiet tos vai virknē rakstiet '<!' + '--'",
      cssIsForHtml: "css() ir paredzēts uzdevumiem, kuru atbilde ir HTML lapa (language: html)",
      cssSyntax: "CSS kodā elementā <style> ir kļūda jūsu lapas {line}. rindā: {reason}",
      cssNeedsSelector: "css().value vajag selektoru un īpašību, piemēram, css().value('nav ul', 'display')",
      cssNoRule: "jūsu stilu lapā nav kārtulas ar selektoru {selector} (ārpus @media)",
      cssNoRuleInMedia: "jūsu stilu lapā nav kārtulas ar selektoru {selector} vaicājumā @media ar {media}",
      cssNoProperty: "kārtula ar selektoru {selector} nenosaka īpašību {property}",
      accessibleNameNeedsElement: "accessibleName() vajag elementu, piemēram, accessibleName(document.querySelector('button')), bet saņēma {received}",
      getByLabelTextFoundNothing: "getByLabelText({text}) neatrada veidlapas lauku ar šādu nosaukumu (<label>, aria-label vai aria-labelledby)",
    },
  };
  const TEXTS = MESSAGES[options.locale === "lv" ? "lv" : "en"];

  // The message `key` in the grading's language, with {name} replaced by params.name.
  function msg(key, params) {
    const template = hasOwn(TEXTS, key) ? TEXTS[key] : key;
    if (params === undefined) return template;
    return strReplace(template, /\{(\w+)\}/g, (m, name) => (hasOwn(params, name) ? NString(params[name]) : m));
  }

  // ---- formatting values for messages and console lines (never trusts the value) ----
  const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

  function safe(fn, fallback) {
    try { return fn(); } catch (e) { return fallback; }
  }

  // Characters a person cannot tell from a space, or from nothing: a message shows them as
  // escapes (\u00a0), so that "12,50 €" with a no-break space from Intl.NumberFormat does
  // not look the same as "12,50 €" with an ordinary one.
  const INVISIBLE = /[\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/g;
  const numToString = uncurry(Number.prototype.toString);
  const strFromCharCode = String.fromCharCode;

  function escapeCode(c) {
    return "\\u" + strSlice("000" + numToString(strCharCodeAt(c, 0), 16), -4);
  }

  function quote(s) {
    return strReplace(jsonStringify(s), INVISIBLE, escapeCode);
  }

  // The text as a person sees it: zero-width characters gone, every run of spaces (of any
  // kind) one ordinary space, none at the ends.
  const ZERO_WIDTH = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g;
  const SPACES = /[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+/g;
  function asSeen(s) {
    return strTrim(strReplace(strReplace(s, ZERO_WIDTH, ""), SPACES, " "));
  }

  const ESCAPED_INVISIBLE = /\\u(00a0|00ad|1680|180e|20[0-6][0-9a-f]|3000|feff)/;
  const NAMED_INVISIBLES = [0xa0, 0x202f, 0x2007, 0x2009, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0xad, 9];

  function countChar(s, code) {
    let n = 0;
    for (let i = 0; i < s.length; i++) if (strCharCodeAt(s, i) === code) n++;
    return n;
  }

  function spaceRun(s, fromEnd) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = strCharCodeAt(s, fromEnd ? s.length - 1 - i : i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xa0 && c !== 0x202f) break;
      n++;
    }
    return n;
  }

  // What differs between two strings that look the same, in words ("your text has a
  // no-break space (\u00a0)"), or "" when they do not look the same.
  function invisibleDifferences(received, expected, contains) {
    if (typeof received !== "string" || typeof expected !== "string") {
      // Strings inside arrays and objects: their escapes are named, not compared.
      const shown = show(received) + show(expected);
      return regexpTest(ESCAPED_INVISIBLE, shown) ? msg("invisibleEscaped") : "";
    }
    if (received === expected) return "";
    const seenReceived = asSeen(received);
    const seenExpected = asSeen(expected);
    if (contains ? !strIncludes(seenReceived, seenExpected) : seenReceived !== seenExpected) return "";
    const what = [];
    for (let i = 0; i < NAMED_INVISIBLES.length; i++) {
      const code = NAMED_INVISIBLES[i];
      const mine = countChar(received, code);
      const theirs = countChar(expected, code);
      const params = { name: msg("char_" + numToString(code, 16)), code: escapeCode(strFromCharCode(code)) };
      if (mine > theirs && !(contains && theirs > 0)) arrayPush(what, msg("invisibleYours", params));
      else if (theirs > mine) arrayPush(what, msg("invisibleExpected", params));
    }
    if (!contains) {
      const endMine = spaceRun(received, true);
      const endTheirs = spaceRun(expected, true);
      if (endMine > endTheirs) arrayPush(what, msg("invisibleYoursEnd"));
      else if (endTheirs > endMine) arrayPush(what, msg("invisibleExpectedEnd"));
      const startMine = spaceRun(received, false);
      const startTheirs = spaceRun(expected, false);
      if (startMine > startTheirs) arrayPush(what, msg("invisibleYoursStart"));
      else if (startTheirs > startMine) arrayPush(what, msg("invisibleExpectedStart"));
    }
    if (what.length === 0) arrayPush(what, msg("invisibleSpacing"));
    return msg(contains ? "invisibleContainNote" : "invisibleNote", { what: arrayJoin(what, "; ") });
  }

  function isDomNode(v) {
    return domNodeClass !== null && safe(() => fnHasInstance(domNodeClass, v), false);
  }

  function isReactElement(v) {
    return reactElementType !== null && safe(() => v.$$typeof === reactElementType, false);
  }

  function typeName(v) {
    return safe(() => {
      const proto = RGetProto(v);
      if (proto === null) return "";
      if (proto === Object.prototype) return "Object";
      const ctor = OGetDesc(proto, "constructor");
      const fn = ctor === undefined ? undefined : hasOwn(ctor, "value") ? ctor.value : RApply(ctor.get, proto, []);
      const name = typeof fn === "function" ? OGetDesc(fn, "name") : undefined;
      return name && typeof name.value === "string" ? name.value : "";
    }, "");
  }

  function inspect(v, depth, seen, inner) {
    const t = typeof v;
    if (v === null) return "null";
    if (t === "undefined") return "undefined";
    if (t === "string") return inner ? quote(strLimit(v, 200)) : quote(strLimit(v, 400));
    if (t === "number") return OIs(v, -0) ? "-0" : NString(v);
    if (t === "boolean") return v ? "true" : "false";
    if (t === "bigint") return bigintToString(v) + "n";
    if (t === "symbol") return symbolToString(v);
    if (t === "function") {
      const n = safe(() => { const d = OGetDesc(v, "name"); return d && typeof d.value === "string" ? d.value : ""; }, "");
      const isClass = safe(() => strSlice(fnToString(v), 0, 6) === "class ", false);
      return isClass ? "[class " + (n || "(anonymous)") + "]" : "[Function " + (n || "(anonymous)") + "]";
    }
    return safe(() => inspectObject(v, depth, seen), "[object]");
  }

  function strLimit(s, n) {
    return s.length > n ? strSlice(s, 0, n) + "…" : s;
  }

  function inspectObject(v, depth, seen) {
    if (setHas(seen, v)) return "[Circular]";
    if (isDomNode(v)) {
      const html = safe(() => v.outerHTML, undefined);
      if (typeof html === "string") return strLimit(html, 200);
      const text = safe(() => v.textContent, "");
      return "#text " + quote(strLimit(NString(text), 200));
    }
    if (isReactElement(v)) {
      const type = v.type;
      const name = typeof type === "string" ? type : safe(() => type.displayName || type.name, "") || "Component";
      return "<" + name + " />";
    }
    const tag = objToString(v);
    if (tag === "[object Date]") {
      const time = dateGetTime(v);
      return numberIsNaN(time) ? "Invalid Date" : dateToISOString(v);
    }
    if (tag === "[object RegExp]") return regexpToString(v);
    if (tag === "[object Error]") {
      return safe(() => errorToString(v), "Error");
    }
    if (tag === "[object Promise]") return "Promise {}";
    if (depth > 2) return isArray(v) ? "[Array]" : "[Object]";
    setAdd(seen, v);
    const parts = [];
    let prefix = "";
    if (isArray(v)) {
      const n = v.length;
      for (let i = 0; i < n && i < 30; i++) arrayPush(parts, inspect(v[i], depth + 1, seen, true));
      if (n > 30) arrayPush(parts, "... " + (n - 30) + " more items");
      return parts.length ? "[ " + arrayJoin(parts, ", ") + " ]" : "[]";
    }
    if (tag === "[object Map]") {
      let i = 0;
      mapForEach(v, (val, key) => {
        if (i++ < 30) arrayPush(parts, inspect(key, depth + 1, seen, true) + " => " + inspect(val, depth + 1, seen, true));
      });
      return "Map(" + mapSize(v) + ") {" + (parts.length ? " " + arrayJoin(parts, ", ") + " " : "") + "}";
    }
    if (tag === "[object Set]") {
      let i = 0;
      setForEach(v, (val) => { if (i++ < 30) arrayPush(parts, inspect(val, depth + 1, seen, true)); });
      return "Set(" + setSize(v) + ") {" + (parts.length ? " " + arrayJoin(parts, ", ") + " " : "") + "}";
    }
    const name = typeName(v);
    if (name !== "Object") prefix = (name || "[Object: null prototype]") + " ";
    const ks = OKeys(v);
    for (let i = 0; i < ks.length && i < 30; i++) {
      const k = ks[i];
      const label = regexpTest(IDENT, k) ? k : quote(k);
      const d = OGetDesc(v, k);
      const shown = d && !hasOwn(d, "value") ? "[Getter]" : inspect(d ? d.value : undefined, depth + 1, seen, true);
      arrayPush(parts, label + ": " + shown);
    }
    if (ks.length > 30) arrayPush(parts, "... " + (ks.length - 30) + " more properties");
    return prefix + (parts.length ? "{ " + arrayJoin(parts, ", ") + " }" : "{}");
  }

  function show(v) {
    return inspect(v, 0, new NSet(), false);
  }

  // console.log's way of writing its arguments: strings as they are, %s/%d/%i/%f/%o/%O/%j/%c.
  function formatLogArgs(args) {
    const out = [];
    let start = 0;
    if (typeof args[0] === "string" && strIncludes(args[0], "%")) {
      const fmt = args[0];
      let i = 1;
      let s = "";
      for (let p = 0; p < fmt.length; p++) {
        const c = fmt[p];
        if (c === "%" && p + 1 < fmt.length) {
          const f = fmt[p + 1];
          if (f === "%") { s += "%"; p++; continue; }
          if (strIncludes("sdifoOjc", f)) {
            p++;
            if (f === "c") { i++; continue; }
            if (i >= args.length) { s += "%" + f; continue; }
            const a = args[i++];
            if (f === "s") s += typeof a === "string" ? a : show(a);
            else if (f === "d" || f === "i") s += typeof a === "object" ? "NaN" : NString(f === "i" ? safe(() => parseInt(a, 10), NaN) : safe(() => NNumber(a), NaN));
            else if (f === "f") s += NString(safe(() => parseFloat(a), NaN));
            else s += show(a);
            continue;
          }
        }
        s += c;
      }
      arrayPush(out, s);
      start = i;
    }
    for (let j = start; j < args.length; j++) {
      const a = args[j];
      arrayPush(out, typeof a === "string" ? a : show(a));
    }
    return arrayJoin(out, " ");
  }

  // ---- console ----
  const moduleLogs = [];
  let currentLogs = moduleLogs;
  let logsDropped = false;
  let logCount = 0;

  function writeLog(args) {
    if (logCount >= MAX_LOG_LINES) {
      if (!logsDropped) {
        logsDropped = true;
        arrayPush(currentLogs, msg("logsCut", { max: MAX_LOG_LINES }));
      }
      return;
    }
    logCount++;
    const line = safe(() => learnerLines(formatLogArgs(args)), msg("unshowable"));
    arrayPush(currentLogs, strLimit(line, MAX_LINE));
  }

  // Stack frames in what is logged (React's component stacks, a logged error.stack) name
  // lines of the learner's own code, as messages do.
  function learnerLines(text) {
    return strReplace(text, /learner\.js:(\d+):(\d+)/g, (m, line, column) => {
      const n = NNumber(line) - LINE_OFFSET;
      return n >= 1 ? LEARNER_FILE + ":" + n + ":" + column : m;
    });
  }

  const logFn = function log(...args) { writeLog(args); };
  // Not frozen: React's development build silences it (redefining its methods) while it
  // works out component stacks. The harness itself never calls it.
  const consoleObject = ({
    log: logFn,
    info: function info(...args) { writeLog(args); },
    warn: function warn(...args) { writeLog(args); },
    error: function error(...args) { writeLog(args); },
    debug: function debug(...args) { writeLog(args); },
    trace: function trace(...args) { writeLog(args); },
  });

  // ---- the virtual clock and timers ----
  let clock = NNumber(options.clockStart);
  let timerSeq = 0;
  const timers = new NMap(); // id -> { due, seq, fn, args, interval, owner }
  let timerOwner = "module";

  function addTimer(fn, ms, args, interval) {
    let delay = NNumber(ms);
    if (!(delay > 0)) delay = 0;
    if (delay > 2147483647) delay = 0; // as browsers do: a delay past 32 bits fires at once
    if (interval && delay < 1) delay = 1;
    const id = ++timerSeq;
    mapSet(timers, id, { due: clock + delay, seq: id, fn, args, interval: interval ? delay : 0, owner: timerOwner });
    return id;
  }

  function nextTimerId() {
    let best = 0;
    let bestT = null;
    mapForEach(timers, (t, id) => {
      if (bestT === null || t.due < bestT.due || (t.due === bestT.due && t.seq < bestT.seq)) { best = id; bestT = t; }
    });
    return best;
  }

  // Runs the earliest pending timer; returns false when there is none.
  function fireNextTimer() {
    const id = nextTimerId();
    if (id === 0) return false;
    const t = mapGet(timers, id);
    if (t.due > clock) clock = t.due;
    if (t.interval) {
      t.due = clock + t.interval;
      t.seq = ++timerSeq;
    } else {
      mapDelete(timers, id);
    }
    if (typeof t.fn === "function") {
      // With React mounted, a timer's state updates happen inside act, as in a test with fake
      // timers: the update and its effects are applied before the test goes on.
      const fire = () => { try { RApply(t.fn, undefined, t.args); } catch (e) { reportUncaught(e); } };
      // act itself throws what a component did wrong while it applied the update: that is
      // the learner's error, as if the timer had thrown it.
      if (act !== null && mounted > 0) { try { act(fire); } catch (e) { reportUncaught(e); } } else fire();
    }
    return true;
  }

  function dropTimersOf(owner) {
    const ids = [];
    mapForEach(timers, (t, id) => { if (t.owner === owner) arrayPush(ids, id); });
    for (let i = 0; i < ids.length; i++) mapDelete(timers, ids[i]);
  }

  const setTimeoutFn = function setTimeout(fn, ms, ...args) { return addTimer(fn, ms, args, false); };
  const setIntervalFn = function setInterval(fn, ms, ...args) { return addTimer(fn, ms, args, true); };
  const clearTimerFn = function clearTimeout(id) { mapDelete(timers, NNumber(id)); };
  const clearIntervalFn = function clearInterval(id) { mapDelete(timers, NNumber(id)); };
  const queueMicrotaskFn = function queueMicrotask(fn) {
    if (typeof fn !== "function") throw new NTypeError(msg("queueMicrotaskNeedsFunction"));
    promiseThen(promiseResolve(undefined), () => { try { fn(); } catch (e) { reportUncaught(e); } });
  };

  // Date follows the virtual clock: `new Date()` and `Date.now()` give its time.
  const VirtualDate = function Date(...args) {
    if (new.target === undefined) return NString(new NDate(clock));
    return args.length === 0 ? Reflect.construct(NDate, [clock], new.target) : Reflect.construct(NDate, args, new.target);
  };
  RDefine(VirtualDate, "prototype", { value: NDate.prototype, writable: false, enumerable: false, configurable: false });
  VirtualDate.now = function now() { return clock; };
  VirtualDate.parse = dateParse;
  VirtualDate.UTC = dateUTC;

  const performanceObject = freeze({ now: function now() { return clock - NNumber(options.clockStart); } });

  // A MessageChannel whose messages are delivered as virtual-clock tasks (React's act needs one).
  function MessagePortImpl() { this.onmessage = null; this.other = null; }
  MessagePortImpl.prototype.postMessage = function postMessage(data) {
    const target = this.other;
    addTimer(() => { if (typeof target.onmessage === "function") target.onmessage({ data }); }, 0, [], false);
  };
  MessagePortImpl.prototype.close = function close() {};
  const MessageChannelFn = function MessageChannel() {
    if (new.target === undefined) throw new NTypeError("MessageChannel must be called with new");
    this.port1 = new MessagePortImpl();
    this.port2 = new MessagePortImpl();
    this.port1.other = this.port2;
    this.port2.other = this.port1;
  };

  // ---- the test being run ----
  let current = null; // { failures: [], pending: [], logs: [], fetchCalls: [], routes: null }
  const uncaught = [];

  function reportUncaught(e) {
    if (current !== null) arrayPush(current.uncaught, describeThrown(e));
    else arrayPush(uncaught, describeThrown(e));
  }

  function describeThrown(e) {
    return safe(() => {
      if (e !== null && (typeof e === "object" || typeof e === "function")) {
        if (e instanceof AssertionError) return e.message;
        const tag = objToString(e);
        const md = safe(() => e.message, undefined);
        if (tag === "[object Error]" || typeof md === "string") {
          const name = safe(() => e.name, "Error");
          const msg = typeof md === "string" ? md : "";
          const n = typeof name === "string" && name ? strLimit(name, 200) : "Error";
          return msg ? n + ": " + strLimit(msg, 1000) : n;
        }
      }
      return msg("threwValue", { value: show(e) });
    }, msg("threwUnshowable"));
  }

  // ---- expect and its matchers ----
  function AssertionError(message) {
    this.message = message;
  }
  AssertionError.prototype = OCreate(NError.prototype, {
    name: { value: "AssertionError" },
    constructor: { value: AssertionError },
  });

  function fail(message) {
    const err = new AssertionError(message);
    if (current !== null) arrayPush(current.failures, message);
    throw err;
  }

  function equals(a, b, seen) {
    if (OIs(a, b)) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    if (isReactElement(a) || isReactElement(b)) {
      if (!isReactElement(a) || !isReactElement(b)) return false;
      return a.type === b.type && equals(a.key, b.key, seen) && equals(a.props, b.props, seen);
    }
    for (let i = 0; i < seen.length; i++) {
      if (seen[i][0] === a) return seen[i][1] === b;
    }
    const ta = objToString(a);
    const tb = objToString(b);
    if (ta !== tb) return false;
    if (ta === "[object Date]") return OIs(dateGetTime(a), dateGetTime(b));
    if (ta === "[object RegExp]") return regexpToString(a) === regexpToString(b);
    if (ta === "[object Number]" || ta === "[object String]" || ta === "[object Boolean]") {
      return OIs(a.valueOf(), b.valueOf());
    }
    if (ta === "[object Error]") {
      if (a.message !== b.message || a.name !== b.name) return false;
    }
    if (isArray(a) !== isArray(b)) return false;
    if (isDomNode(a) || isDomNode(b)) return false;
    arrayPush(seen, [a, b]);
    try {
      if (ta === "[object Map]") {
        if (mapSize(a) !== mapSize(b)) return false;
        let ok = true;
        mapForEach(a, (v, k) => { if (ok && (!mapHas(b, k) || !equals(v, mapGet(b, k), seen))) ok = false; });
        return ok;
      }
      if (ta === "[object Set]") {
        if (setSize(a) !== setSize(b)) return false;
        let ok = true;
        setForEach(a, (v) => {
          if (!ok || setHas(b, v)) return;
          let found = false;
          setForEach(b, (w) => { if (!found && equals(v, w, seen)) found = true; });
          if (!found) ok = false;
        });
        return ok;
      }
      if (isArray(a)) {
        if (a.length !== b.length) return false;
        for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i], seen)) return false;
        return true;
      }
      // Like Jest's toEqual: own enumerable keys; properties whose value is undefined are ignored.
      const ka = definedKeys(a);
      const kb = definedKeys(b);
      if (ka.length !== kb.length) return false;
      for (let i = 0; i < ka.length; i++) {
        const k = ka[i];
        if (!hasOwn(b, k) || !equals(a[k], b[k], seen)) return false;
      }
      return true;
    } finally {
      arraySplice(seen, seen.length - 1, 1);
    }
  }

  function definedKeys(o) {
    const out = [];
    const ks = OKeys(o);
    for (let i = 0; i < ks.length; i++) if (o[ks[i]] !== undefined) arrayPush(out, ks[i]);
    return out;
  }

  function isNumeric(v) {
    return typeof v === "number" || typeof v === "bigint";
  }

  function thrownMessage(e) {
    return safe(() => {
      if (e !== null && typeof e === "object") {
        const m = e.message;
        if (typeof m === "string") return m;
      }
      return typeof e === "string" ? e : NString(e);
    }, "");
  }

  function parsePath(path) {
    if (isArray(path)) return arraySlice(path);
    const out = [];
    const re = /[^.[\]]+|\[(\d+)\]/g;
    let m;
    while ((m = regexpExec(re, NString(path))) !== null) arrayPush(out, m[1] !== undefined ? m[1] : m[0]);
    return out;
  }

  function regexpMatches(re, s) {
    const d = lastIndexDesc(re);
    if (d && d.writable) re.lastIndex = 0;
    return regexpTest(re, s);
  }

  const matchers = {
    toBe(received, expected) {
      return { pass: OIs(received, expected), message: (not) => msg(not ? "toBeNot" : "toBe", { received: show(received), expected: show(expected) }) + (!not && equals(received, expected, []) && typeof received === "object" ? msg("useToEqual") : "") + (not ? "" : invisibleDifferences(received, expected, false)) };
    },
    toEqual(received, expected) {
      return { pass: equals(received, expected, []), message: (not) => msg(not ? "toEqualNot" : "toEqual", { received: show(received), expected: show(expected) }) + (not ? "" : invisibleDifferences(received, expected, false)) };
    },
    toBeCloseTo(received, expected, digits) {
      const d = digits === undefined ? 2 : NNumber(digits);
      if (typeof received !== "number") return { pass: false, message: () => msg("needNumber", { received: show(received) }) };
      const pass = (received === Infinity && expected === Infinity) || (received === -Infinity && expected === -Infinity) ||
        mathAbs(expected - received) < mathPow(10, -d) / 2;
      return { pass, message: (not) => msg(not ? "toBeCloseToNot" : "toBeCloseTo", { received: show(received), expected: show(expected), digits: d }) };
    },
    toBeTruthy(received) {
      return { pass: !!received, message: (not) => msg(not ? "toBeFalsy" : "toBeTruthy", { received: show(received) }) };
    },
    toBeFalsy(received) {
      return { pass: !received, message: (not) => msg(not ? "toBeTruthy" : "toBeFalsy", { received: show(received) }) };
    },
    toBeNull(received) {
      return { pass: received === null, message: (not) => msg(not ? "toBeNullNot" : "toBeNull", { received: show(received) }) };
    },
    toBeUndefined(received) {
      return { pass: received === undefined, message: (not) => msg(not ? "toBeUndefinedNot" : "toBeUndefined", { received: show(received) }) };
    },
    toBeDefined(received) {
      return { pass: received !== undefined, message: (not) => msg(not ? "toBeDefinedNot" : "toBeDefined", { received: show(received) }) };
    },
    toBeNaN(received) {
      return { pass: typeof received === "number" && numberIsNaN(received), message: (not) => msg(not ? "toBeNaNNot" : "toBeNaN", { received: show(received) }) };
    },
    toContain(received, item) {
      let pass;
      if (typeof received === "string") {
        pass = typeof item === "string" && strIncludes(received, item);
      } else if (received !== null && typeof received === "object") {
        const items = safe(() => arrayFrom(received), null);
        if (items === null) return { pass: false, message: () => msg("needStringOrArray", { received: show(received) }) };
        pass = arrayIncludes(items, item);
      } else {
        return { pass: false, message: () => msg("needStringOrArray", { received: show(received) }) };
      }
      return { pass, message: (not) => msg(not ? "toContainNot" : "toContain", { received: show(received), item: show(item) }) + (not ? "" : invisibleDifferences(received, item, true)) };
    },
    toHaveLength(received, length) {
      const actual = safe(() => (received === null || received === undefined ? undefined : received.length), undefined);
      if (typeof actual !== "number") return { pass: false, message: () => msg("needLength", { received: show(received) }) };
      return { pass: actual === length, message: (not) => msg(not ? "toHaveLengthNot" : "toHaveLength", { received: show(received), length: show(length), actual }) };
    },
    toHaveProperty(received, path, ...value) {
      const parts = parsePath(path);
      let obj = received;
      let found = parts.length > 0;
      for (let i = 0; i < parts.length; i++) {
        if (obj === null || obj === undefined || !(parts[i] in OObject(obj))) { found = false; break; }
        obj = obj[parts[i]];
      }
      const label = isArray(path) ? show(path) : quote(NString(path));
      if (value.length === 0) {
        return { pass: found, message: (not) => msg(not ? "toHavePropertyNot" : "toHaveProperty", { received: show(received), path: label }) };
      }
      const pass = found && equals(obj, value[0], []);
      return { pass, message: (not) => msg(not ? "toHavePropertyValueNot" : "toHavePropertyValue", { received: show(received), path: label, value: show(value[0]) }) + (found && !not ? msg("butItIs", { actual: show(obj) }) : "") };
    },
    toMatch(received, pattern) {
      if (typeof received !== "string") return { pass: false, message: () => msg("needString", { received: show(received) }) };
      const isRe = objToString(pattern) === "[object RegExp]";
      const pass = isRe ? regexpMatches(pattern, received) : strIncludes(received, NString(pattern));
      return { pass, message: (not) => msg(not ? "toMatchNot" : "toMatch", { received: show(received), pattern: isRe ? regexpToString(pattern) : show(pattern) }) };
    },
    toBeGreaterThan(received, n) { return compare(received, n, "toBeGreaterThan", received > n); },
    toBeGreaterThanOrEqual(received, n) { return compare(received, n, "toBeGreaterThanOrEqual", received >= n); },
    toBeLessThan(received, n) { return compare(received, n, "toBeLessThan", received < n); },
    toBeLessThanOrEqual(received, n) { return compare(received, n, "toBeLessThanOrEqual", received <= n); },
    toBeInstanceOf(received, cls) {
      if (typeof cls !== "function") return { pass: false, message: () => msg("needClass", { received: show(cls) }) };
      const pass = safe(() => fnHasInstance(cls, received), false);
      const name = safe(() => OGetDesc(cls, "name").value, "") || "(anonymous)";
      return { pass, message: (not) => msg(not ? "toBeInstanceOfNot" : "toBeInstanceOf", { received: show(received), name }) };
    },
  };

  function compare(received, n, key, result) {
    if (!isNumeric(received)) return { pass: false, message: () => msg("needNumber", { received: show(received) }) };
    if (!isNumeric(n)) return { pass: false, message: () => msg("compareWithNonNumber", { expected: show(n) }) };
    return { pass: result, message: (not) => msg(not ? key + "Not" : key, { received: show(received), expected: show(n) }) };
  }

  // toThrow on a function (or, after .rejects, on the rejection reason itself).
  function toThrowCheck(thrown, didThrow, expected, hasExpected) {
    const describe = () => {
      if (!hasExpected) return msg("throwAny");
      if (typeof expected === "string") return msg("throwContaining", { text: quote(expected) });
      if (objToString(expected) === "[object RegExp]") return msg("throwMatching", { pattern: regexpToString(expected) });
      if (typeof expected === "function") return msg("throwInstance", { name: safe(() => OGetDesc(expected, "name").value, "") || "(anonymous)" });
      return msg("throwMessage", { message: show(thrownMessage(expected)) });
    };
    let pass = didThrow;
    if (didThrow && hasExpected) {
      const msg = thrownMessage(thrown);
      if (typeof expected === "string") pass = strIncludes(msg, expected);
      else if (objToString(expected) === "[object RegExp]") pass = regexpMatches(expected, msg);
      else if (typeof expected === "function") pass = safe(() => fnHasInstance(expected, thrown), false);
      else pass = msg === thrownMessage(expected);
    }
    return {
      pass,
      message: (not) => {
        if (not) return msg("toThrowNot", { what: describe(), thrown: describeThrown(thrown) });
        if (!didThrow) return msg("toThrowNone", { what: describe() });
        return msg("toThrowOther", { what: describe(), thrown: describeThrown(thrown) });
      },
    };
  }

  function runMatcher(name, received, args, not, viaRejects) {
    let result;
    if (name === "toThrow") {
      const hasExpected = args.length > 0;
      if (viaRejects) {
        result = toThrowCheck(received, true, args[0], hasExpected);
      } else {
        if (typeof received !== "function") {
          fail(msg("toThrowNeedsFunction", { received: show(received) }));
        }
        let thrown;
        let didThrow = false;
        try { RApply(received, undefined, []); } catch (e) { didThrow = true; thrown = e; }
        result = toThrowCheck(thrown, didThrow, args[0], hasExpected);
      }
    } else {
      result = RApply(matchers[name], undefined, [received, ...args]);
    }
    const pass = result.pass === true;
    if (pass === not) fail(safe(() => result.message(not), msg("expectationFailed")));
  }

  const matcherNames = [...OKeys(matchers), "toThrow"];

  function makeMatchers(received, not, mode) {
    const out = OCreate(null);
    for (let i = 0; i < matcherNames.length; i++) {
      const name = matcherNames[i];
      out[name] = function (...args) {
        if (mode === null) {
          runMatcher(name, received, args, not, false);
          return undefined;
        }
        const p = settle(received, mode, name, args, not);
        if (current !== null) arrayPush(current.pending, p);
        return p;
      };
    }
    return out;
  }

  // .resolves / .rejects: wait for the promise, then apply the matcher to its value or reason.
  function settle(received, mode, name, args, not) {
    const isThenable = received !== null && (typeof received === "object" || typeof received === "function") &&
      safe(() => typeof received.then === "function", false);
    if (!isThenable) {
      return new NPromise((resolve, reject) => {
        try { fail(msg("needPromise", { mode, received: show(received) })); } catch (e) { reject(e); }
      });
    }
    return new NPromise((resolve, reject) => {
      promiseThen(promiseResolve(received), (value) => {
        try {
          if (mode === "rejects") fail(msg("promiseResolved", { value: show(value) }));
          runMatcher(name, value, args, not, false);
          resolve(undefined);
        } catch (e) { reject(e); }
      }, (reason) => {
        try {
          if (mode === "resolves") fail(msg("promiseRejected", { reason: describeThrown(reason) }));
          runMatcher(name, reason, args, not, true);
          resolve(undefined);
        } catch (e) { reject(e); }
      });
    });
  }

  function expect(received, ...extra) {
    if (extra.length > 0) fail(msg("expectOneValue"));
    const m = makeMatchers(received, false, null);
    m.not = freeze(makeMatchers(received, true, null));
    const resolves = makeMatchers(received, false, "resolves");
    resolves.not = freeze(makeMatchers(received, true, "resolves"));
    const rejects = makeMatchers(received, false, "rejects");
    rejects.not = freeze(makeMatchers(received, true, "rejects"));
    m.resolves = freeze(resolves);
    m.rejects = freeze(rejects);
    return freeze(m);
  }
  freeze(expect);

  function logs() {
    const out = arraySlice(moduleLogs);
    if (current !== null) for (let i = 0; i < current.logs.length; i++) arrayPush(out, current.logs[i]);
    return out;
  }
  freeze(logs);

  // ---- DOMException, AbortController and AbortSignal (the DOM standard's), for cancelling ----
  // V8 alone has none of them, nor has the DOM library; React's documentation cancels a fetch in
  // an effect's cleanup with them. Timeouts run on the virtual clock, and the fake fetch below
  // honours `signal`.
  const domExceptionNames = new NWeakMap();
  const DOM_EXCEPTION_CODES = { IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4,
    InvalidCharacterError: 5, NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9,
    InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14,
    InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20,
    URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25 };
  const DOMExceptionImpl = function DOMException(message, name) {
    if (new.target === undefined) throw new NTypeError("Failed to construct 'DOMException': Please use the 'new' operator");
    const e = Reflect.construct(NError, [message === undefined ? "" : NString(message)], new.target);
    weakMapSet(domExceptionNames, e, name === undefined ? "Error" : NString(name));
    return e;
  };
  DOMExceptionImpl.prototype = OCreate(NError.prototype, {
    constructor: { value: DOMExceptionImpl, writable: true, configurable: true },
    name: { get: function name() { const n = weakMapGet(domExceptionNames, this); return n === undefined ? "Error" : n; }, configurable: true },
    code: { get: function code() { const n = weakMapGet(domExceptionNames, this); return n !== undefined && hasOwn(DOM_EXCEPTION_CODES, n) ? DOM_EXCEPTION_CODES[n] : 0; }, configurable: true },
  });
  RDefine(DOMExceptionImpl, "prototype", { writable: false });

  const signalStates = new NWeakMap(); // signal -> { aborted, reason, listeners, handler, algorithms }
  function signalState(signal) {
    const st = (signal !== null && typeof signal === "object") ? weakMapGet(signalStates, signal) : undefined;
    if (st === undefined) throw new NTypeError("Illegal invocation");
    return st;
  }
  function isAbortSignal(v) {
    return v !== null && typeof v === "object" && weakMapHas(signalStates, v);
  }

  const AbortSignalImpl = function AbortSignal() { throw new NTypeError("Illegal constructor"); };
  function newSignal() {
    const signal = OCreate(AbortSignalImpl.prototype);
    weakMapSet(signalStates, signal, { aborted: false, reason: undefined, listeners: [], handler: null, algorithms: [] });
    return signal;
  }

  // The "abort" event; flags.stopped records stopImmediatePropagation() for the dispatch.
  function abortEvent(signal, flags) {
    return freeze({
      type: "abort", target: signal, currentTarget: signal, srcElement: signal, isTrusted: true,
      bubbles: false, cancelable: false, composed: false, eventPhase: 2, timeStamp: clock - NNumber(options.clockStart),
      defaultPrevented: false,
      preventDefault() {}, // the abort event cannot be cancelled
      stopPropagation() {},
      stopImmediatePropagation() { flags.stopped = true; },
    });
  }

  function callListener(entry, signal, ev) {
    const cb = entry.callback;
    try {
      if (typeof cb === "function") RApply(cb, signal, [ev]);
      else if (cb !== null && typeof cb === "object" && typeof cb.handleEvent === "function") RApply(cb.handleEvent, cb, [ev]);
    } catch (e) { reportUncaught(e); }
  }

  // "signal abort": the reason is kept, the abort algorithms (a fetch's rejection, a dependent
  // signal) run, then "abort" fires once at the listeners and onabort, in the order they came.
  function signalAbort(signal, reason) {
    const st = signalState(signal);
    if (st.aborted) return;
    st.aborted = true;
    st.reason = reason === undefined ? new DOMExceptionImpl("signal is aborted without reason", "AbortError") : reason;
    const algorithms = st.algorithms;
    st.algorithms = [];
    for (let i = 0; i < algorithms.length; i++) {
      try { algorithms[i](); } catch (e) { reportUncaught(e); }
    }
    const flags = { stopped: false };
    const ev = abortEvent(signal, flags);
    const listeners = arraySlice(st.listeners);
    for (let i = 0; i < listeners.length; i++) {
      const entry = listeners[i];
      if (entry.removed || entry.type !== "abort") continue;
      if (entry.once) removeEntry(st, entry);
      callListener(entry, signal, ev);
      if (flags.stopped) break;
    }
  }

  function removeEntry(st, entry) {
    entry.removed = true;
    const i = arrayIndexOf(st.listeners, entry);
    if (i >= 0) arraySplice(st.listeners, i, 1);
  }

  function listenerOptions(opts) {
    if (opts === null || typeof opts !== "object") return { capture: !!opts, once: false, signal: undefined };
    return { capture: !!opts.capture, once: !!opts.once, signal: opts.signal };
  }

  function findEntry(st, type, callback, capture) {
    for (let i = 0; i < st.listeners.length; i++) {
      const e = st.listeners[i];
      if (!e.handlerSlot && e.type === type && e.callback === callback && e.capture === capture) return e;
    }
    return null;
  }

  const signalProto = {
    get aborted() { return signalState(this).aborted; },
    get reason() { return signalState(this).reason; },
    get onabort() { const h = signalState(this).handler; return h === null ? null : h.callback; },
    set onabort(fn) {
      const st = signalState(this);
      const value = typeof fn === "function" || (fn !== null && typeof fn === "object") ? fn : null;
      if (value === null) {
        if (st.handler !== null) { removeEntry(st, st.handler); st.handler = null; }
      } else if (st.handler !== null) {
        st.handler.callback = value; // keeps its place among the listeners, as in a browser
      } else {
        st.handler = { type: "abort", callback: value, capture: false, once: false, removed: false, handlerSlot: true };
        arrayPush(st.listeners, st.handler);
      }
    },
    throwIfAborted() {
      const st = signalState(this);
      if (st.aborted) throw st.reason;
    },
    addEventListener(type, callback, opts) {
      const st = signalState(this);
      if (callback === null || callback === undefined) return;
      const o = listenerOptions(opts);
      if (o.signal !== undefined && !isAbortSignal(o.signal)) throw new NTypeError("addEventListener: the signal option is not an AbortSignal");
      if (o.signal !== undefined && signalState(o.signal).aborted) return;
      const t = NString(type);
      if (findEntry(st, t, callback, o.capture) !== null) return;
      const entry = { type: t, callback, capture: o.capture, once: o.once, removed: false, handlerSlot: false };
      arrayPush(st.listeners, entry);
      if (o.signal !== undefined) arrayPush(signalState(o.signal).algorithms, () => removeEntry(st, entry));
    },
    removeEventListener(type, callback, opts) {
      const st = signalState(this);
      const o = listenerOptions(opts);
      const entry = findEntry(st, NString(type), callback, o.capture);
      if (entry !== null) removeEntry(st, entry);
    },
    dispatchEvent(event) {
      const st = signalState(this);
      const type = NString(event.type);
      const listeners = arraySlice(st.listeners);
      for (let i = 0; i < listeners.length; i++) {
        const entry = listeners[i];
        if (entry.removed || entry.type !== type) continue;
        if (entry.once) removeEntry(st, entry);
        callListener(entry, this, event);
      }
      return !event.defaultPrevented;
    },
  };
  AbortSignalImpl.prototype = OCreate(OObject.prototype, OGetDescs(signalProto));
  RDefine(AbortSignalImpl.prototype, "constructor", { value: AbortSignalImpl, writable: true, enumerable: false, configurable: true });
  RDefine(AbortSignalImpl.prototype, Symbol.toStringTag, { value: "AbortSignal", configurable: true });
  RDefine(AbortSignalImpl, "prototype", { writable: false });
  AbortSignalImpl.abort = function abort(reason) {
    const signal = newSignal();
    signalAbort(signal, reason);
    return signal;
  };
  // Aborts with a "TimeoutError" after `ms` of the virtual clock.
  AbortSignalImpl.timeout = function timeout(ms) {
    const delay = NNumber(ms);
    if (!(delay >= 0) || delay === Infinity) throw new NTypeError("AbortSignal.timeout: the delay must be a number of milliseconds, 0 or more");
    const signal = newSignal();
    addTimer(() => signalAbort(signal, new DOMExceptionImpl("signal timed out", "TimeoutError")), delay, [], false);
    return signal;
  };
  // Aborts as soon as one of the signals does, with its reason.
  AbortSignalImpl.any = function any(signals) {
    const list = arrayFrom(signals);
    const result = newSignal();
    for (let i = 0; i < list.length; i++) {
      if (!isAbortSignal(list[i])) throw new NTypeError("AbortSignal.any: every item must be an AbortSignal");
      if (signalState(list[i]).aborted) { signalAbort(result, signalState(list[i]).reason); return result; }
    }
    for (let i = 0; i < list.length; i++) {
      const source = list[i];
      arrayPush(signalState(source).algorithms, () => signalAbort(result, signalState(source).reason));
    }
    return result;
  };

  const controllerSignals = new NWeakMap();
  const AbortControllerImpl = function AbortController() {
    if (new.target === undefined) throw new NTypeError("Failed to construct 'AbortController': Please use the 'new' operator");
    weakMapSet(controllerSignals, this, newSignal());
  };
  function controllerSignal(c) {
    const s = (c !== null && typeof c === "object") ? weakMapGet(controllerSignals, c) : undefined;
    if (s === undefined) throw new NTypeError("Illegal invocation");
    return s;
  }
  AbortControllerImpl.prototype = OCreate(OObject.prototype, OGetDescs({
    get signal() { return controllerSignal(this); },
    abort(reason) { signalAbort(controllerSignal(this), reason); },
  }));
  RDefine(AbortControllerImpl.prototype, "constructor", { value: AbortControllerImpl, writable: true, enumerable: false, configurable: true });
  RDefine(AbortControllerImpl.prototype, Symbol.toStringTag, { value: "AbortController", configurable: true });
  RDefine(AbortControllerImpl, "prototype", { writable: false });

  // ---- structuredClone (the HTML standard's), in every environment ----
  // V8 alone has none. A deep copy of what can be cloned: primitives, plain objects and arrays
  // (own enumerable string keys, getters read once; a class instance comes back a plain object),
  // Date, RegExp, Map, Set, Error, DOMException, the wrappers of primitives, ArrayBuffer and its
  // views, with shared and cyclic references kept. A function, a symbol, a DOM node or another
  // object of the platform throws a "DataCloneError" DOMException, as in a browser.
  const numberValueOf = uncurry(Number.prototype.valueOf);
  const stringValueOf = uncurry(String.prototype.valueOf);
  const booleanValueOf = uncurry(Boolean.prototype.valueOf);
  const bigintValueOf = uncurry(BigInt.prototype.valueOf);
  const regexpSource = uncurry(OGetDesc(RegExp.prototype, "source").get);
  const regexpFlags = uncurry(OGetDesc(RegExp.prototype, "flags").get);
  const bufferByteLength = uncurry(OGetDesc(ArrayBuffer.prototype, "byteLength").get);
  const bufferSlice = uncurry(ArrayBuffer.prototype.slice);
  const TypedArrayProto = RGetProto(Int8Array.prototype);
  const typedArrayBuffer = uncurry(OGetDesc(TypedArrayProto, "buffer").get);
  const typedArrayOffset = uncurry(OGetDesc(TypedArrayProto, "byteOffset").get);
  const typedArrayLength = uncurry(OGetDesc(TypedArrayProto, "length").get);
  const typedArrayTag = uncurry(OGetDesc(TypedArrayProto, Symbol.toStringTag).get);
  const dataViewBuffer = uncurry(OGetDesc(DataView.prototype, "buffer").get);
  const dataViewOffset = uncurry(OGetDesc(DataView.prototype, "byteOffset").get);
  const dataViewLength = uncurry(OGetDesc(DataView.prototype, "byteLength").get);
  const isArrayBufferView = ArrayBuffer.isView;
  const NArrayBuffer = ArrayBuffer;
  const NDataView = DataView;
  const NArray = Array;
  const typedArrays = { Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
    Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array };
  const errorTypes = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
  const branded = (check, v) => { try { check(v); return true; } catch (e) { return false; } };

  function dataCloneError(v) {
    let what;
    if (typeof v === "symbol") what = symbolToString(v);
    else if (typeof v === "function") what = safe(() => fnToString(v), "function");
    else what = "#<" + safe(() => NString(RGetProto(v).constructor.name), "Object") + ">";
    if (what.length > 80) what = strSlice(what, 0, 77) + "...";
    return new DOMExceptionImpl(what + " could not be cloned.", "DataCloneError");
  }

  function cloneValue(v, memory) {
    if (typeof v === "symbol" || typeof v === "function") throw dataCloneError(v);
    if (v === null || typeof v !== "object") return v;
    if (mapHas(memory, v)) return mapGet(memory, v);
    if (isDomNode(v)) throw dataCloneError(v);
    const keep = (copy) => { mapSet(memory, v, copy); return copy; };
    if (isArray(v)) {
      const copy = keep(new NArray(v.length));
      copyProperties(v, copy, memory);
      return copy;
    }
    if (branded(dateGetTime, v)) return keep(new NDate(dateGetTime(v)));
    if (branded(regexpSource, v)) return keep(new RegExp(regexpSource(v), regexpFlags(v)));
    if (branded(mapSize, v)) {
      const copy = keep(new NMap());
      const entries = [];
      mapForEach(v, (value, key) => { arrayPush(entries, [key, value]); });
      for (let i = 0; i < entries.length; i++) mapSet(copy, cloneValue(entries[i][0], memory), cloneValue(entries[i][1], memory));
      return copy;
    }
    if (branded(setSize, v)) {
      const copy = keep(new NSet());
      const items = [];
      setForEach(v, (value) => { arrayPush(items, value); });
      for (let i = 0; i < items.length; i++) setAdd(copy, cloneValue(items[i], memory));
      return copy;
    }
    if (branded(numberValueOf, v)) return keep(OObject(numberValueOf(v)));
    if (branded(stringValueOf, v)) return keep(OObject(stringValueOf(v)));
    if (branded(booleanValueOf, v)) return keep(OObject(booleanValueOf(v)));
    if (branded(bigintValueOf, v)) return keep(OObject(bigintValueOf(v)));
    if (branded(bufferByteLength, v)) return keep(bufferSlice(v, 0));
    if (isArrayBufferView(v)) {
      if (branded(dataViewBuffer, v)) {
        return keep(new NDataView(cloneValue(dataViewBuffer(v), memory), dataViewOffset(v), dataViewLength(v)));
      }
      const Ctor = typedArrays[typedArrayTag(v)];
      return keep(new Ctor(cloneValue(typedArrayBuffer(v), memory), typedArrayOffset(v), typedArrayLength(v)));
    }
    if (weakMapHas(domExceptionNames, v)) {
      return keep(new DOMExceptionImpl(safe(() => NString(v.message), ""), weakMapGet(domExceptionNames, v)));
    }
    if (objToString(v) === "[object Error]") {
      const name = safe(() => NString(v.name), "Error");
      const Ctor = hasOwn(errorTypes, name) ? errorTypes[name] : NError;
      const d = OGetDesc(v, "message");
      const copy = keep(d && hasOwn(d, "value") ? new Ctor(NString(d.value)) : new Ctor());
      const stack = OGetDesc(v, "stack");
      if (stack && hasOwn(stack, "value") && typeof stack.value === "string") {
        RDefine(copy, "stack", { value: stack.value, writable: true, enumerable: false, configurable: true });
      }
      return copy;
    }
    const tag = objToString(v);
    if (tag !== "[object Object]" && tag !== "[object Arguments]") throw dataCloneError(v);
    const copy = keep({});
    copyProperties(v, copy, memory);
    return copy;
  }

  function copyProperties(from, to, memory) {
    const ks = ROwnKeys(from);
    for (let i = 0; i < ks.length; i++) {
      const k = ks[i];
      if (typeof k !== "string") continue;
      const d = OGetDesc(from, k);
      if (!d || !d.enumerable) continue;
      RDefine(to, k, { value: cloneValue(from[k], memory), writable: true, enumerable: true, configurable: true });
    }
  }

  const structuredCloneFn = function structuredClone(value, opts) {
    if (arguments.length === 0) {
      throw new NTypeError("Failed to execute 'structuredClone' on 'Window': 1 argument required, but only 0 present.");
    }
    return cloneValue(value, new NMap());
  };

  // ---- fetch: only a fake one, installed by a test ----
  // `signal`: the request's AbortSignal (or null); once it aborts, reading the body rejects with
  // its reason, as a browser errors the body of an aborted fetch.
  function makeResponse(url, status, body, hasJson, signal) {
    const text = hasJson ? (body === undefined ? "" : jsonStringify(body)) : (body === undefined ? "" : NString(body));
    const abortedWith = () => (signal !== null && signalState(signal).aborted ? { reason: signalState(signal).reason } : null);
    return freeze({
      ok: status >= 200 && status < 300,
      status,
      url,
      headers: freeze({ get: (name) => (NString(name).toLowerCase() === "content-type" && hasJson ? "application/json" : null) }),
      json: () => new NPromise((resolve, reject) => {
        const aborted = abortedWith();
        if (aborted !== null) { reject(aborted.reason); return; }
        try { resolve(JSON.parse(text)); } catch (e) { reject(e); }
      }),
      text: () => new NPromise((resolve, reject) => {
        const aborted = abortedWith();
        if (aborted !== null) reject(aborted.reason); else resolve(text);
      }),
    });
  }

  function mockFetch(routes) {
    if (routes === null || typeof routes !== "object") fail(msg("mockFetchNeedsRoutes"));
    const table = new NMap();
    const ks = OKeys(routes);
    for (let i = 0; i < ks.length; i++) mapSet(table, ks[i], routes[ks[i]]);
    fetchState.routes = table;
    fetchState.calls = [];
    const fakeFetch = function fetch(input, init) {
      const url = typeof input === "string" ? input : safe(() => NString(input.url !== undefined ? input.url : input), "");
      const opts = init === undefined ? undefined : init;
      arrayPush(fetchState.calls, freeze({ url, options: opts }));
      // The request's signal: an aborted one rejects at once with its reason, and one that aborts
      // while the response is pending rejects it then (a route's late answer is left unread).
      const signal = safe(() => (opts !== null && typeof opts === "object" ? opts.signal : undefined), undefined);
      if (signal !== undefined && signal !== null && !isAbortSignal(signal)) {
        return new NPromise((resolve, reject) => reject(new NTypeError("fetch: the signal option is not an AbortSignal")));
      }
      const sig = signal === undefined ? null : signal;
      return new NPromise((resolve, reject) => {
        if (sig !== null) {
          const st = signalState(sig);
          if (st.aborted) { reject(st.reason); return; }
          arrayPush(st.algorithms, () => reject(st.reason));
        }
        let route = mapHas(table, url) ? mapGet(table, url) : undefined;
        if (route === undefined) {
          const q = strIndexOf(url, "?");
          const bare = q >= 0 ? strSlice(url, 0, q) : url;
          if (mapHas(table, bare)) route = mapGet(table, bare);
        }
        if (route === undefined) { resolve(makeResponse(url, 404, { error: "not found" }, true, sig)); return; }
        try {
          const spec = typeof route === "function" ? route(url, opts) : route;
          const done = (s) => {
            if (s !== null && typeof s === "object" && s.error !== undefined && s.status === undefined && s.json === undefined) {
              reject(new NTypeError(NString(s.error)));
              return;
            }
            const status = s && s.status !== undefined ? NNumber(s.status) : 200;
            if (s && hasOwn(s, "json")) resolve(makeResponse(url, status, s.json, true, sig));
            else resolve(makeResponse(url, status, s ? s.text : undefined, false, sig));
          };
          if (spec !== null && typeof spec === "object" && typeof spec.then === "function") promiseThen(promiseResolve(spec), done, reject);
          else done(spec);
        } catch (e) { reject(e); }
      });
    };
    G.fetch = fakeFetch;
    fetchState.installed = fakeFetch;
    return fakeFetch;
  }
  freeze(mockFetch);
  const fetchState = { routes: null, calls: [], installed: null };
  function fetchCalls() { return arraySlice(fetchState.calls); }
  freeze(fetchCalls);

  // ---- React helpers ----
  const lib = options.react ? G.__lmsReactLibs : null;
  const React = lib ? lib.React : undefined;
  const reactElementType = lib ? React.createElement("i").$$typeof : null;
  const renderToStaticMarkup = lib ? lib.renderToStaticMarkup : null;
  const TestRenderer = lib ? lib.TestRenderer : null;
  const act = lib ? lib.act : null;
  let flushWaiter = null;
  let mounted = 0;

  function htmlText(html) {
    const noTags = strReplace(html, /<[^>]*>/g, "");
    return strReplace(noTags, /&(amp|lt|gt|quot|#39|nbsp);/g, (m, e) => ({ amp: "&", lt: "<", gt: ">", quot: "\"", "#39": "'", nbsp: "\u00a0" })[e]);
  }

  function render(element) {
    if (!lib || !renderToStaticMarkup) fail(msg("renderIsForReact"));
    if (!isReactElement(element)) fail(msg("renderNeedsElement", { received: show(element) }));
    const html = renderToStaticMarkup(element);
    return freeze({ html, text: htmlText(html) });
  }
  freeze(render);

  function nodeText(inst) {
    if (typeof inst === "string" || typeof inst === "number") return NString(inst);
    if (inst === null || inst === undefined) return "";
    const kids = inst.children;
    let s = "";
    for (let i = 0; i < kids.length; i++) s += nodeText(kids[i]);
    return s;
  }

  function rootText(root) {
    const json = root.toJSON();
    return jsonText(json);
  }

  function jsonText(json) {
    if (json === null || json === undefined) return "";
    if (typeof json === "string") return json;
    if (isArray(json)) { let s = ""; for (let i = 0; i < json.length; i++) s += jsonText(json[i]); return s; }
    let s = "";
    const kids = json.children || [];
    for (let i = 0; i < kids.length; i++) s += jsonText(kids[i]);
    return s;
  }

  function hostNodes(instance) {
    // Every node under an instance, depth-first, the instance itself first.
    const out = [];
    const walk = (inst) => {
      if (inst === null || typeof inst !== "object") return;
      arrayPush(out, inst);
      const kids = inst.children;
      for (let i = 0; i < kids.length; i++) walk(kids[i]);
    };
    walk(instance);
    return out;
  }

  function queryPredicate(query) {
    if (typeof query === "string") return (inst) => inst.type === query;
    if (typeof query === "function") {
      // A component (a function or class with a capital name) or a predicate on a node.
      const name = safe(() => OGetDesc(query, "name").value, "");
      const isComponent = (typeof name === "string" && name.length > 0 && name[0] >= "A" && name[0] <= "Z") ||
        safe(() => query.prototype && query.prototype.isReactComponent, false);
      if (isComponent) return (inst) => inst.type === query;
      return (inst) => { const n = wrapNode(inst); return !!query(n); };
    }
    fail(msg("findNeedsQuery", { received: show(query) }));
  }

  const nodeCache = new NWeakMap();

  function callHandler(inst, prop, arg) {
    const handler = inst.props[prop];
    if (typeof handler !== "function") {
      fail(msg("noHandler", { type: typeNameOf(inst), prop }));
    }
    let result;
    act(() => { result = handler(arg); });
    return result;
  }

  function typeNameOf(inst) {
    const t = inst.type;
    return typeof t === "string" ? t : safe(() => t.displayName || t.name, "") || "Component";
  }

  function makeEvent(extra) {
    let prevented = false;
    let stopped = false;
    const ev = {
      preventDefault() { prevented = true; },
      stopPropagation() { stopped = true; },
      get defaultPrevented() { return prevented; },
      get propagationStopped() { return stopped; },
      persist() {},
    };
    const ks = OKeys(extra);
    for (let i = 0; i < ks.length; i++) ev[ks[i]] = extra[ks[i]];
    return ev;
  }

  // A submit button: <button> without type (or type="submit"), <input type="submit|image">.
  function isSubmitButton(inst) {
    const type = inst.props.type === undefined || inst.props.type === null ? "" : strTrim(NString(inst.props.type)).toLowerCase();
    if (inst.type === "button") return type === "" || type === "submit";
    return inst.type === "input" && (type === "submit" || type === "image");
  }

  function formOf(inst) {
    let node = safe(() => inst.parent, null);
    while (node !== null && node !== undefined) {
      if (node.type === "form") return node;
      node = safe(() => node.parent, null);
    }
    return null;
  }

  // A click, as in a browser: the element's onClick, and then, on an enabled submit button in a
  // form, unless onClick called preventDefault, the form's onSubmit. So a learner who handles the
  // form's submit (as the forms lesson teaches) passes a test that clicks the button.
  function clickOn(inst) {
    const form = isSubmitButton(inst) && !inst.props.disabled ? formOf(inst) : null;
    const submits = form !== null && typeof form.props.onSubmit === "function";
    const ev = makeEvent({ type: "click", target: inst.props });
    if (!submits || typeof inst.props.onClick === "function") callHandler(inst, "onClick", ev);
    if (submits && !ev.defaultPrevented) callHandler(form, "onSubmit", makeEvent({ type: "submit", target: form.props }));
  }

  function wrapNode(inst) {
    if (weakMapHas(nodeCache, inst)) return weakMapGet(nodeCache, inst);
    const node = freeze({
      type: inst.type,
      get props() { return inst.props; },
      text: () => nodeText(inst),
      find: (query) => findIn([inst], query, true, "find"),
      findAll: (query) => findIn([inst], query, false, "findAll"),
      getByText: (text) => getByTextIn([inst], text),
      click: () => { clickOn(inst); },
      change: (value) => {
        const target = { value, checked: value, name: inst.props.name, type: inst.props.type, id: inst.props.id };
        callHandler(inst, "onChange", makeEvent({ type: "change", target, currentTarget: target }));
      },
      submit: () => {
        const ev = makeEvent({ type: "submit", target: inst.props });
        callHandler(inst, "onSubmit", ev);
        return ev.defaultPrevented;
      },
    });
    weakMapSet(nodeCache, inst, node);
    return node;
  }

  function findIn(roots, query, single, what) {
    const pred = queryPredicate(query);
    const found = [];
    const seenNodes = new NSet();
    for (let r = 0; r < roots.length; r++) {
      const all = hostNodes(roots[r]);
      for (let i = 0; i < all.length; i++) {
        if (setHas(seenNodes, all[i])) continue;
        setAdd(seenNodes, all[i]);
        if (pred(all[i])) arrayPush(found, all[i]);
      }
    }
    if (single) {
      if (found.length === 0) fail(msg("foundNothing", { what, query: describeQuery(query) }));
      return wrapNode(found[0]);
    }
    return arrayMap(found, (inst) => wrapNode(inst));
  }

  function describeQuery(q) {
    if (typeof q === "string") return quote(q);
    const name = safe(() => OGetDesc(q, "name").value, "");
    return name || msg("aFunction");
  }

  function getByTextIn(roots, text) {
    const all = [];
    for (let r = 0; r < roots.length; r++) {
      const nodes = hostNodes(roots[r]);
      for (let i = 0; i < nodes.length; i++) if (typeof nodes[i].type === "string") arrayPush(all, nodes[i]);
    }
    const isRe = objToString(text) === "[object RegExp]";
    const matches = (inst) => {
      const t = strTrim(nodeText(inst));
      return isRe ? regexpMatches(text, t) : t === strTrim(NString(text));
    };
    // The deepest element whose text matches: none of its element children matches too.
    for (let i = all.length - 1; i >= 0; i--) {
      if (matches(all[i])) return wrapNode(all[i]);
    }
    fail(msg("getByTextFoundNothing", { text: isRe ? regexpToString(text) : quote(NString(text)) }));
  }

  function mount(element) {
    if (!lib || !TestRenderer) fail(msg("mountIsForReact"));
    if (!isReactElement(element)) fail(msg("mountNeedsElement", { received: show(element) }));
    let root;
    act(() => { root = TestRenderer.create(element); });
    mounted++;
    const top = () => root.root;
    return freeze({
      text: () => rootText(root),
      find: (query) => findIn([top()], query, true, "find"),
      findAll: (query) => findIn([top()], query, false, "findAll"),
      getByText: (text) => getByTextIn([top()], text),
      toJSON: () => root.toJSON(),
      unmount: () => { act(() => { root.unmount(); }); },
    });
  }
  freeze(mount);

  // flush(): let effects, promises and timers settle (the Python loop drives it).
  function flush() {
    const wait = () => new NPromise((resolve) => { flushWaiter = { resolve, firings: 0 }; });
    if (act) return act(async () => { await wait(); });
    return wait();
  }
  freeze(flush);

  // ---- the DOM ----
  let domNodeClass = null;
  // For `language: html` the learner's answer is a whole page: the tests' `document` is that
  // page, parsed (never run: linkedom runs no scripts and no on* attributes), and css()
  // reads its <style> elements with PostCSS's parser.
  const PAGE = typeof options.page === "string" ? options.page : null;
  let pageDocument = null;
  if (options.dom) {
    const dom = G.__lmsDom;
    const win = dom.window;
    domNodeClass = win.Node;
    if (PAGE !== null) pageDocument = new win.DOMParser().parseFromString(PAGE, "text/html");
  }

  // ---- forms: FormData and form.elements (the HTML standard's), for `environment: dom` ----
  // The DOM library has neither (its <form> is a plain HTMLElement), and MDN reads a form with
  // them. A form's controls are its listed elements in tree order whose form owner it is (the
  // form="id" attribute, else the nearest <form> around); FormData takes the successful ones as
  // a browser submits them (a file input gives "", as no file can be chosen here).
  const LISTED = "button,fieldset,input,object,output,select,textarea";
  const formCollections = new NWeakMap(); // form -> its elements collection; collection -> form
  const formDataEntries = new NWeakMap(); // FormData -> [[name, value], ...]

  function isForm(v) {
    return isDomNode(v) && safe(() => v.nodeType === 1 && NString(v.localName) === "form", false);
  }
  function attr(el, name) {
    const v = el.getAttribute(name);
    return v === null || v === undefined ? null : NString(v);
  }
  function lowerAttr(el, name) {
    const v = attr(el, name);
    return v === null ? "" : strTrim(v).toLowerCase();
  }
  function controlType(el) {
    const t = lowerAttr(el, "type");
    if (el.localName === "button") return t === "button" || t === "reset" ? t : "submit";
    if (el.localName === "input") return t === "" ? "text" : t;
    return el.localName;
  }
  function rootOf(node) {
    let n = node;
    while (n.parentNode !== null && n.parentNode !== undefined) n = n.parentNode;
    return n;
  }
  function formOwner(el) {
    const id = attr(el, "form");
    if (id !== null) {
      const root = rootOf(el);
      const found = arrayFrom(root.querySelectorAll("[id]"));
      for (let i = 0; i < found.length; i++) if (attr(found[i], "id") === id) return isForm(found[i]) ? found[i] : null;
      return null;
    }
    for (let n = el.parentNode; n !== null && n !== undefined; n = n.parentNode) if (isForm(n)) return n;
    return null;
  }
  // The form's controls, in tree order; `listedOnly`: as form.elements has them (no image buttons).
  function formControls(form) {
    const all = arrayFrom(rootOf(form).querySelectorAll(LISTED));
    const out = [];
    for (let i = 0; i < all.length; i++) {
      const el = all[i];
      if (el.localName === "input" && controlType(el) === "image") continue;
      if (formOwner(el) === form) arrayPush(out, el);
    }
    return out;
  }
  // Disabled: its own attribute, or a disabled <fieldset> around it (not inside its first <legend>).
  function isDisabled(el) {
    if (el.hasAttribute("disabled")) return true;
    let child = el;
    for (let n = el.parentNode; n !== null && n !== undefined && n.nodeType === 1; child = n, n = n.parentNode) {
      if (n.localName !== "fieldset" || !n.hasAttribute("disabled")) continue;
      const legend = n.querySelector(":scope > legend");
      if (!(legend !== null && child === legend)) return true;
    }
    return false;
  }
  function isChecked(el) {
    return el.checked === true;
  }
  function textOf(el) {
    return strTrim(strReplace(NString(el.textContent), /[\t\n\f\r ]+/g, " "));
  }
  function optionValue(o) {
    const v = attr(o, "value");
    return v === null ? textOf(o) : v;
  }
  // The selected options of a <select> a browser would show: a single select without a selected
  // option shows its first option that is not disabled, with several, the last one.
  function selectedOptions(select) {
    const options = arrayFrom(select.querySelectorAll("option"));
    const chosen = [];
    for (let i = 0; i < options.length; i++) {
      const o = options[i];
      const sel = o.selected;
      if (typeof sel === "boolean" ? sel : o.hasAttribute("selected")) arrayPush(chosen, o);
    }
    if (select.hasAttribute("multiple")) return chosen;
    if (chosen.length > 0) return [chosen[chosen.length - 1]];
    for (let i = 0; i < options.length; i++) if (!optionDisabled(options[i])) return [options[i]];
    return [];
  }
  function optionDisabled(o) {
    if (o.hasAttribute("disabled")) return true;
    const p = o.parentNode;
    return p !== null && p !== undefined && p.localName === "optgroup" && p.hasAttribute("disabled");
  }
  function controlValue(el) {
    const v = el.value;
    return v === null || v === undefined ? "" : NString(v);
  }

  // The entry list of submitting `form` (with `submitter`, the button that submits it, or null).
  function formEntries(form, submitter) {
    const controls = formControls(form);
    if (submitter !== null && controlType(submitter) === "image") arrayPush(controls, submitter);
    const entries = [];
    const all = arrayFrom(rootOf(form).querySelectorAll(LISTED));
    for (let i = 0; i < all.length; i++) {
      const el = all[i];
      if (!arrayIncludes(controls, el) || isDisabled(el)) continue;
      const tag = el.localName;
      if (tag === "fieldset" || tag === "output" || tag === "object") continue;
      const type = controlType(el);
      const isButton = tag === "button" || type === "submit" || type === "image" || type === "reset" || type === "button";
      if (isButton && el !== submitter) continue;
      if ((type === "checkbox" || type === "radio") && !isChecked(el)) continue;
      const name = attr(el, "name");
      if (type === "image") {
        const prefix = name === null || name === "" ? "" : name + ".";
        arrayPush(entries, [prefix + "x", "0"], [prefix + "y", "0"]);
        continue;
      }
      if (name === null || name === "") continue;
      if (tag === "select") {
        const chosen = selectedOptions(el);
        for (let j = 0; j < chosen.length; j++) if (!optionDisabled(chosen[j])) arrayPush(entries, [name, optionValue(chosen[j])]);
      } else if (type === "checkbox" || type === "radio") {
        const v = attr(el, "value");
        arrayPush(entries, [name, v === null ? "on" : v]);
      } else if (type === "file") {
        arrayPush(entries, [name, ""]);
      } else if (tag === "button") {
        const v = attr(el, "value");
        arrayPush(entries, [name, v === null ? "" : v]);
      } else {
        arrayPush(entries, [name, controlValue(el)]);
      }
    }
    return entries;
  }

  function entriesOf(fd) {
    const list = (fd !== null && typeof fd === "object") ? weakMapGet(formDataEntries, fd) : undefined;
    if (list === undefined) throw new NTypeError("Illegal invocation");
    return list;
  }
  function needArgs(args, n, method) {
    if (args.length < n) {
      throw new NTypeError(`Failed to execute '${method}' on 'FormData': ${n} argument${n === 1 ? "" : "s"} required, but only ${args.length} present.`);
    }
  }

  const FormDataImpl = function FormData(form, submitter) {
    if (new.target === undefined) throw new NTypeError("Failed to construct 'FormData': Please use the 'new' operator");
    let entries = [];
    if (form !== undefined) {
      if (!isForm(form)) throw new NTypeError("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
      const by = submitter === undefined || submitter === null ? null : submitter;
      if (by !== null) {
        const t = isDomNode(by) && by.nodeType === 1 ? controlType(by) : "";
        if (!(t === "submit" || t === "image")) throw new NTypeError("Failed to construct 'FormData': The specified element is not a submit button.");
        if (formOwner(by) !== form) throw new DOMExceptionImpl("Failed to construct 'FormData': The specified element is not owned by this form element.", "NotFoundError");
      }
      entries = formEntries(form, by);
    }
    weakMapSet(formDataEntries, this, entries);
  };
  function* formDataIterate(fd, kind) {
    const list = entriesOf(fd);
    for (let i = 0; i < list.length; i++) {
      const [name, value] = list[i];
      yield kind === "keys" ? name : kind === "values" ? value : [name, value];
    }
  }
  const formDataProto = {
    append(name, value) { needArgs(arguments, 2, "append"); arrayPush(entriesOf(this), [NString(name), NString(value)]); },
    delete(name) {
      needArgs(arguments, 1, "delete");
      const list = entriesOf(this);
      const n = NString(name);
      for (let i = list.length - 1; i >= 0; i--) if (list[i][0] === n) arraySplice(list, i, 1);
    },
    get(name) {
      needArgs(arguments, 1, "get");
      const list = entriesOf(this);
      const n = NString(name);
      for (let i = 0; i < list.length; i++) if (list[i][0] === n) return list[i][1];
      return null;
    },
    getAll(name) {
      needArgs(arguments, 1, "getAll");
      const list = entriesOf(this);
      const n = NString(name);
      const out = [];
      for (let i = 0; i < list.length; i++) if (list[i][0] === n) arrayPush(out, list[i][1]);
      return out;
    },
    has(name) {
      needArgs(arguments, 1, "has");
      const list = entriesOf(this);
      const n = NString(name);
      for (let i = 0; i < list.length; i++) if (list[i][0] === n) return true;
      return false;
    },
    set(name, value) {
      needArgs(arguments, 2, "set");
      const list = entriesOf(this);
      const n = NString(name);
      const entry = [n, NString(value)];
      let at = -1;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i][0] !== n) continue;
        if (at !== -1) arraySplice(list, at, 1);
        at = i;
      }
      if (at === -1) arrayPush(list, entry); else list[at] = entry;
    },
    entries() { entriesOf(this); return formDataIterate(this, "entries"); },
    keys() { entriesOf(this); return formDataIterate(this, "keys"); },
    values() { entriesOf(this); return formDataIterate(this, "values"); },
    forEach(callback, thisArg) {
      const list = entriesOf(this);
      if (typeof callback !== "function") throw new NTypeError("Failed to execute 'forEach' on 'FormData': The callback provided as parameter 1 is not a function.");
      for (let i = 0; i < list.length; i++) RApply(callback, thisArg, [list[i][1], list[i][0], this]);
    },
  };
  FormDataImpl.prototype = OCreate(OObject.prototype, OGetDescs(formDataProto));
  RDefine(FormDataImpl.prototype, Symbol.iterator, { value: FormDataImpl.prototype.entries, writable: true, configurable: true });
  RDefine(FormDataImpl.prototype, "constructor", { value: FormDataImpl, writable: true, enumerable: false, configurable: true });
  RDefine(FormDataImpl.prototype, Symbol.toStringTag, { value: "FormData", configurable: true });
  RDefine(FormDataImpl, "prototype", { writable: false });

  // form.elements: an HTMLFormControlsCollection, live, the same object each time; indexed by
  // position, and by id or name (several controls of one name give a RadioNodeList).
  const RadioNodeListImpl = function RadioNodeList() { throw new NTypeError("Illegal constructor"); };
  const radioListItems = new NWeakMap();
  function radioItems(list) {
    const items = (list !== null && typeof list === "object") ? weakMapGet(radioListItems, list) : undefined;
    if (items === undefined) throw new NTypeError("Illegal invocation");
    return items;
  }
  RadioNodeListImpl.prototype = OCreate(OObject.prototype, OGetDescs({
    get length() { return radioItems(this).length; },
    item(i) { const items = radioItems(this); const n = NNumber(i) >>> 0; return n < items.length ? items[n] : null; },
    forEach(callback, thisArg) {
      const items = radioItems(this);
      for (let i = 0; i < items.length; i++) RApply(callback, thisArg, [items[i], i, this]);
    },
    // The value of its checked radio button ("on" without a value attribute), or "".
    get value() {
      const items = radioItems(this);
      for (let i = 0; i < items.length; i++) {
        const el = items[i];
        if (el.localName === "input" && controlType(el) === "radio" && isChecked(el)) {
          const v = attr(el, "value");
          return v === null ? "on" : v;
        }
      }
      return "";
    },
    set value(v) {
      const want = NString(v);
      const items = radioItems(this);
      for (let i = 0; i < items.length; i++) {
        const el = items[i];
        if (el.localName !== "input" || controlType(el) !== "radio") continue;
        const own = attr(el, "value");
        if ((own === null ? "on" : own) === want) { el.checked = true; return; }
      }
    },
  }));
  RDefine(RadioNodeListImpl.prototype, Symbol.iterator, { value: function* values() { yield* arraySlice(radioItems(this)); }, writable: true, configurable: true });
  RDefine(RadioNodeListImpl.prototype, Symbol.toStringTag, { value: "RadioNodeList", configurable: true });
  RDefine(RadioNodeListImpl.prototype, "constructor", { value: RadioNodeListImpl, writable: true, configurable: true });
  function newRadioNodeList(items) {
    const list = OCreate(RadioNodeListImpl.prototype);
    weakMapSet(radioListItems, list, items);
    for (let i = 0; i < items.length; i++) RDefine(list, NString(i), { value: items[i], enumerable: true });
    return freeze(list);
  }

  const HTMLFormControlsCollectionImpl = function HTMLFormControlsCollection() { throw new NTypeError("Illegal constructor"); };
  function collectionForm(c) {
    const form = (c !== null && typeof c === "object") ? weakMapGet(formCollections, c) : undefined;
    if (form === undefined) throw new NTypeError("Illegal invocation");
    return form;
  }
  function namedControl(form, name) {
    if (name === "") return null;
    const controls = formControls(form);
    const found = [];
    for (let i = 0; i < controls.length; i++) {
      if (attr(controls[i], "id") === name || attr(controls[i], "name") === name) arrayPush(found, controls[i]);
    }
    if (found.length === 0) return null;
    return found.length === 1 ? found[0] : newRadioNodeList(found);
  }
  function controlNames(form) {
    const controls = formControls(form);
    const names = [];
    for (let i = 0; i < controls.length; i++) {
      const id = attr(controls[i], "id");
      const name = attr(controls[i], "name");
      if (id !== null && id !== "" && !arrayIncludes(names, id)) arrayPush(names, id);
      if (name !== null && name !== "" && !arrayIncludes(names, name)) arrayPush(names, name);
    }
    return names;
  }
  const collectionProto = OCreate(OObject.prototype, OGetDescs({
    get length() { return formControls(collectionForm(this)).length; },
    item(i) { const c = formControls(collectionForm(this)); const n = NNumber(i) >>> 0; return n < c.length ? c[n] : null; },
    namedItem(name) { needArgs(arguments, 1, "namedItem"); return namedControl(collectionForm(this), NString(name)); },
  }));
  RDefine(collectionProto, Symbol.iterator, { value: function* values() { yield* formControls(collectionForm(this)); }, writable: true, configurable: true });
  RDefine(collectionProto, Symbol.toStringTag, { value: "HTMLFormControlsCollection", configurable: true });
  RDefine(collectionProto, "constructor", { value: HTMLFormControlsCollectionImpl, writable: true, configurable: true });
  HTMLFormControlsCollectionImpl.prototype = collectionProto;
  RDefine(HTMLFormControlsCollectionImpl, "prototype", { writable: false });

  const INDEX = /^(0|[1-9][0-9]*)$/;
  // What a key names in the collection: { value } for a control, or null for anything else
  // (what the prototype has, length, item, ..., comes first, as for any such collection).
  function collectionOwn(form, key) {
    if (typeof key !== "string") return null;
    if (regexpTest(INDEX, key)) {
      const c = formControls(form);
      const n = NNumber(key);
      return n < c.length ? { value: c[n], enumerable: true } : null;
    }
    if (key in collectionProto) return null;
    const v = namedControl(form, key);
    return v === null ? null : { value: v, enumerable: false };
  }
  function newCollection(form) {
    const target = OCreate(collectionProto);
    const proxy = new Proxy(target, freeze({
      get(t, key, receiver) {
        const own = collectionOwn(form, key);
        return own !== null ? own.value : Reflect.get(collectionProto, key, receiver);
      },
      has(t, key) { return collectionOwn(form, key) !== null || key in collectionProto; },
      getOwnPropertyDescriptor(t, key) {
        const own = collectionOwn(form, key);
        return own === null ? undefined : { value: own.value, writable: false, enumerable: own.enumerable, configurable: true };
      },
      ownKeys() {
        const keys = [];
        const n = formControls(form).length;
        for (let i = 0; i < n; i++) arrayPush(keys, NString(i));
        const names = controlNames(form);
        for (let i = 0; i < names.length; i++) if (!regexpTest(INDEX, names[i]) && !(names[i] in collectionProto)) arrayPush(keys, names[i]);
        return keys;
      },
      set() { return false; },
      defineProperty() { return false; },
      deleteProperty(t, key) { return collectionOwn(form, key) === null; },
      setPrototypeOf() { return false; },
      preventExtensions() { return false; },
    }));
    weakMapSet(formCollections, proxy, form);
    return proxy;
  }

  if (options.dom) {
    const win = G.__lmsDom.window;
    RDefine(win.HTMLElement.prototype, "elements", {
      get: function elements() {
        if (!isForm(this)) return undefined;
        let c = weakMapGet(formCollections, this);
        if (c === undefined) { c = newCollection(this); weakMapSet(formCollections, this, c); }
        return c;
      },
      enumerable: true, configurable: true,
    });
    // The DOM library has no `checked` property: it is the attribute until the code sets it, and
    // checking a radio button unchecks the others of its group (same name, same form), as in a browser.
    const checkedness = new NWeakMap();
    RDefine(win.HTMLInputElement.prototype, "checked", {
      get: function checked() {
        const c = weakMapGet(checkedness, this);
        return c !== undefined ? c : this.hasAttribute("checked");
      },
      set: function checked(v) {
        const on = !!v;
        weakMapSet(checkedness, this, on);
        const name = attr(this, "name");
        if (!on || controlType(this) !== "radio" || name === null || name === "") return;
        const owner = formOwner(this);
        const radios = arrayFrom(rootOf(this).querySelectorAll("input"));
        for (let i = 0; i < radios.length; i++) {
          const r = radios[i];
          if (r !== this && controlType(r) === "radio" && attr(r, "name") === name && formOwner(r) === owner) {
            weakMapSet(checkedness, r, false);
          }
        }
      },
      enumerable: true, configurable: true,
    });
    // A <form> of the DOM library is a plain HTMLElement: `form instanceof HTMLFormElement` says true.
    RDefine(win.HTMLFormElement, Symbol.hasInstance, { value: function (v) { return isForm(v); }, configurable: true });
  }

  // The whitespace a person does not notice in a selector or a media condition, taken out.
  function normalSelector(s) {
    return strTrim(strReplace(strReplace(NString(s), /\s+/g, " "), /\s*([>+~,():])\s*/g, "$1"));
  }
  function normalMedia(s) {
    return strReplace(NString(s), /\s+/g, "").toLowerCase();
  }
  function lineOfOffset(text, offset) {
    let line = 1;
    for (let i = 0; i < offset && i < text.length; i++) if (strCharCodeAt(text, i) === 10) line++;
    return line;
  }

  // The page's style sheet: { rules: [{ selectors, media, declarations }], error } where
  // error is a CSS syntax error ({ reason, line } with the line in the whole page) or null.
  function readStyles() {
    const rules = [];
    const out = { rules, error: null };
    const parse = G.__lmsCssParse;
    if (pageDocument === null || typeof parse !== "function") return out;
    const styles = arrayFrom(pageDocument.querySelectorAll("style"));
    let searchFrom = 0;
    for (let i = 0; i < styles.length; i++) {
      const text = NString(styles[i].textContent || "");
      const at = strIndexOf(PAGE, text, searchFrom);
      const firstLine = at >= 0 ? lineOfOffset(PAGE, at) : 1;
      if (at >= 0) searchFrom = at + text.length;
      let root;
      try {
        root = parse(text);
      } catch (e) {
        const reason = safe(() => NString(e.reason), "");
        const line = safe(() => NNumber(e.line), 1);
        out.error = { reason, line: firstLine + (numberIsNaN(line) ? 1 : line) - 1 };
        return out;
      }
      const walk = (node, media) => {
        const children = node.nodes || [];
        for (let j = 0; j < children.length; j++) {
          const child = children[j];
          if (child.type === "atrule" && arrayIncludes(["media", "supports", "container", "layer"], NString(child.name).toLowerCase())) {
            const cond = child.name.toLowerCase() === "media" ? strTrim(NString(child.params)) : "";
            walk(child, cond === "" ? media : (media === "" ? cond : media + " and " + cond));
          } else if (child.type === "rule") {
            const declarations = [];
            const decls = child.nodes || [];
            for (let k = 0; k < decls.length; k++) {
              const d = decls[k];
              if (d.type !== "decl") continue;
              arrayPush(declarations, freeze({
                property: NString(d.prop).toLowerCase(),
                value: strTrim(strReplace(NString(d.value), /\s+/g, " ")),
                important: d.important === true,
              }));
            }
            arrayPush(rules, freeze({
              selectors: freeze(arrayMap(child.selectors, (x) => normalSelector(x))),
              media,
              declarations: freeze(declarations),
            }));
            walk(child, media); // nested rules
          }
        }
      };
      walk(root, "");
    }
    return out;
  }
  const styleSheet = PAGE !== null ? readStyles() : null;

  // css(): the page's style sheet for tests. value(selector, property[, { media }]) is the
  // value of the property's last declaration in the rules for that selector (outside any
  // @media, or inside one whose condition contains `media`), and fails with a message that
  // says what is missing; has(...) says the same as true or false.
  function rulesFor(selector, media) {
    const want = normalSelector(selector);
    const found = [];
    const rules = styleSheet.rules;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (!arrayIncludes(r.selectors, want)) continue;
      if (media === undefined ? r.media !== "" : !strIncludes(normalMedia(r.media), normalMedia(media))) continue;
      arrayPush(found, r);
    }
    return found;
  }
  function lastValue(rules, property) {
    const want = NString(property).toLowerCase();
    let value;
    let important = false;
    for (let i = 0; i < rules.length; i++) {
      const ds = rules[i].declarations;
      for (let j = 0; j < ds.length; j++) {
        if (ds[j].property !== want || (important && !ds[j].important)) continue;
        value = ds[j].value;
        important = ds[j].important;
      }
    }
    return value;
  }
  function mediaOf(opts) {
    if (opts === undefined || opts === null) return undefined;
    const m = opts.media;
    return m === undefined ? undefined : NString(m);
  }
  const cssApi = freeze({
    get rules() { return styleSheet.rules; },
    value(selector, property, opts) {
      if (typeof selector !== "string" || typeof property !== "string") fail(msg("cssNeedsSelector"));
      const media = mediaOf(opts);
      const rules = rulesFor(selector, media);
      if (rules.length === 0) {
        fail(media === undefined ? msg("cssNoRule", { selector: quote(selector) })
          : msg("cssNoRuleInMedia", { selector: quote(selector), media: quote(media) }));
      }
      const value = lastValue(rules, property);
      if (value === undefined) fail(msg("cssNoProperty", { selector: quote(selector), property: quote(property) }));
      return value;
    },
    has(selector, property, opts) {
      const rules = rulesFor(NString(selector), mediaOf(opts));
      if (rules.length === 0) return false;
      return property === undefined || lastValue(rules, property) !== undefined;
    },
    declarations(property) {
      const want = NString(property).toLowerCase();
      const out = [];
      const rules = styleSheet.rules;
      for (let i = 0; i < rules.length; i++) {
        const ds = rules[i].declarations;
        for (let j = 0; j < ds.length; j++) {
          if (ds[j].property === want) {
            arrayPush(out, freeze({ selectors: rules[i].selectors, media: rules[i].media, value: ds[j].value }));
          }
        }
      }
      return freeze(out);
    },
    media() {
      const out = [];
      const rules = styleSheet.rules;
      for (let i = 0; i < rules.length; i++) {
        if (rules[i].media !== "" && !arrayIncludes(out, rules[i].media)) arrayPush(out, rules[i].media);
      }
      return freeze(out);
    },
  });
  function css() {
    if (styleSheet === null) fail(msg("cssIsForHtml"));
    if (styleSheet.error !== null) fail(msg("cssSyntax", styleSheet.error));
    return cssApi;
  }
  freeze(css);

  // The accessible name of an element, as a screen reader announces it (the common cases of
  // the W3C "accessible name" computation): aria-labelledby, aria-label, a <label> (for=
  // or around the control), alt of an image, a button's value, the text inside (with the
  // alt of images in it), <legend>/<caption>, and last the title attribute.
  function isShown(el) {
    return !(el.hasAttribute("hidden") || el.getAttribute("aria-hidden") === "true");
  }
  function textFor(node, top) {
    if (node.nodeType === 3) return NString(node.textContent);
    if (node.nodeType !== 1) return "";
    if (!top && !isShown(node)) return "";
    const tag = NString(node.tagName).toLowerCase();
    if (!top) {
      const label = node.getAttribute("aria-label");
      if (label !== null && strTrim(label) !== "") return " " + label + " ";
      if (tag === "img") return " " + (node.getAttribute("alt") || "") + " ";
    }
    if (tag === "script" || tag === "style" || tag === "template") return "";
    let out = "";
    const kids = arrayFrom(node.childNodes);
    for (let i = 0; i < kids.length; i++) out += textFor(kids[i], false);
    return arrayIncludes(["p", "div", "li", "br", "span"], tag) && !top ? " " + out + " " : out;
  }
  function accessibleName(el) {
    if (!isDomNode(el) || el.nodeType !== 1) fail(msg("accessibleNameNeedsElement", { received: show(el) }));
    const doc = el.ownerDocument;
    const by = el.getAttribute("aria-labelledby");
    if (by !== null && strTrim(by) !== "") {
      const ids = strSplit(strTrim(by), /\s+/);
      let out = "";
      for (let i = 0; i < ids.length; i++) {
        const target = doc.getElementById(ids[i]);
        if (target) out += " " + textFor(target, true);
      }
      if (strTrim(out) !== "") return asSeen(out);
    }
    const label = el.getAttribute("aria-label");
    if (label !== null && strTrim(label) !== "") return asSeen(label);
    const tag = NString(el.tagName).toLowerCase();
    const type = NString(el.getAttribute("type") || "text").toLowerCase();
    if (tag === "input" && arrayIncludes(["submit", "reset", "button"], type)) {
      const v = el.getAttribute("value");
      if (v !== null) return asSeen(v);
      return type === "submit" ? "Submit" : type === "reset" ? "Reset" : "";
    }
    if (tag === "input" && type === "image") return asSeen(el.getAttribute("alt") || "");
    if (arrayIncludes(["input", "select", "textarea", "meter", "progress", "output"], tag)) {
      let out = "";
      const id = el.getAttribute("id");
      if (id !== null && id !== "") {
        const labels = arrayFrom(doc.querySelectorAll("label"));
        for (let i = 0; i < labels.length; i++) {
          if (labels[i].getAttribute("for") === id) out += " " + textFor(labels[i], true);
        }
      }
      let up = el.parentNode;
      while (up && up.nodeType === 1) {
        if (NString(up.tagName).toLowerCase() === "label") { out += " " + textFor(up, true); break; }
        up = up.parentNode;
      }
      if (strTrim(out) !== "") return asSeen(out);
    } else if (tag === "img" || tag === "area") {
      const alt = el.getAttribute("alt");
      if (alt !== null) return asSeen(alt);
    } else if (tag === "fieldset" || tag === "table" || tag === "figure") {
      const first = el.querySelector(tag === "fieldset" ? "legend" : tag === "table" ? "caption" : "figcaption");
      if (first) return asSeen(textFor(first, true));
    } else if (!arrayIncludes(["nav", "main", "header", "footer", "section", "article", "aside", "form", "ul", "ol", "div", "span", "p"], tag)) {
      // Buttons, links, headings, summaries, cells: named by their content.
      const text = asSeen(textFor(el, true));
      if (text !== "") return text;
    }
    const title = el.getAttribute("title");
    return title !== null ? asSeen(title) : "";
  }
  freeze(accessibleName);

  // The form control (input, select, textarea) whose accessible name is `text`.
  function getByLabelText(text) {
    const doc = pageDocument !== null ? pageDocument : (options.dom ? G.__lmsDom.window.document : null);
    const want = asSeen(NString(text));
    const controls = doc === null ? [] : arrayFrom(doc.querySelectorAll("input, select, textarea"));
    for (let i = 0; i < controls.length; i++) {
      if (accessibleName(controls[i]) === want) return controls[i];
    }
    fail(msg("getByLabelTextFoundNothing", { text: quote(NString(text)) }));
  }
  freeze(getByLabelText);

  // ---- install globals, then freeze the intrinsics ----
  const helperList = {
    expect, logs, mockFetch, fetchCalls,
  };
  if (options.dom) {
    helperList.accessibleName = accessibleName;
    helperList.getByLabelText = getByLabelText;
  }
  if (PAGE !== null) helperList.css = css;
  if (lib) {
    helperList.React = React;
    helperList.render = render;
    helperList.mount = mount;
    helperList.flush = flush;
  }
  freeze(helperList);

  function defineFixed(name, value) {
    RDefine(G, name, { value, writable: false, enumerable: false, configurable: false });
  }

  // Intrinsics reachable only through syntax.
  const hidden = [
    RGetProto(function* () {}),
    RGetProto(async function () {}),
    RGetProto(async function* () {}),
    RGetProto(Int8Array),
    RGetProto([][Symbol.iterator]()),
    RGetProto(""[Symbol.iterator]()),
    RGetProto(new NMap()[Symbol.iterator]()),
    RGetProto(new NSet()[Symbol.iterator]()),
    RGetProto(/a/[Symbol.matchAll]("")),
    RGetProto((function* () {})()),
    RGetProto((async function* () {})()),
    OGetDesc(function () { "use strict"; return arguments; }(), "callee").get,
  ];

  // The names of the standard globals present now (before our own are added).
  const standardNames = [];
  const globalKeys = ROwnKeys(G);
  for (let i = 0; i < globalKeys.length; i++) {
    const k = globalKeys[i];
    if (typeof k === "string" && (k === "__lmsReactLibs" || k === "__lmsDom" || k === "__lmsDomNames" || k === "__lmsCssParse" || k === "__timer_manager")) continue;
    arrayPush(standardNames, k);
  }

  // Assigning to an inherited frozen property (the "override mistake") would throw in strict
  // code (`this.name = ...` in an Error subclass, `Foo.prototype.toString = ...`): these
  // become accessors that define an own property on the object assigned to, as ses does.
  const overridable = ["toString", "toLocaleString", "valueOf", "name", "message", "toJSON", "cause"];

  function enableOverride(proto, key) {
    const d = OGetDesc(proto, key);
    if (!d || !hasOwn(d, "value") || !d.configurable || !d.writable) return;
    const value = d.value;
    const getter = function () { return value; };
    const setter = function (v) {
      if (this === proto) throw new NTypeError(msg("readOnlyBuiltin", { key: NString(key) }));
      RDefine(this, key, { value: v, writable: true, enumerable: true, configurable: true });
    };
    RDefine(proto, key, { get: getter, set: setter, enumerable: d.enumerable, configurable: false });
  }

  function hardenIntrinsics(roots) {
    const todo = arraySlice(roots);
    const seenSet = new NSet();
    setAdd(seenSet, G); // the global object stays extensible: learner code may add globals
    while (todo.length > 0) {
      const o = todo.pop();
      if (o === null || (typeof o !== "object" && typeof o !== "function") || setHas(seenSet, o)) continue;
      setAdd(seenSet, o);
      const ks = ROwnKeys(o);
      const isProto = hasOwn(o, "constructor") || o === Object.prototype;
      for (let i = 0; i < ks.length; i++) {
        const k = ks[i];
        if (isProto && (o === Object.prototype || arrayIncludes(overridable, k))) enableOverride(o, k);
        const d = OGetDesc(o, k);
        if (!d) continue;
        if (hasOwn(d, "value")) arrayPush(todo, d.value);
        else { arrayPush(todo, d.get); arrayPush(todo, d.set); }
      }
      arrayPush(todo, RGetProto(o));
      freeze(o);
    }
  }

  // React sets Error.prepareStackTrace while it builds component stacks; on a frozen Error
  // that would throw, so it is an accessor. A formatter set there changes only stack
  // strings (line numbers in messages), never whether a test passed.
  let prepareStackTraceSlot;
  RDefine(NError, "prepareStackTrace", {
    get: function () { return prepareStackTraceSlot; },
    set: function (v) { prepareStackTraceSlot = v; },
    enumerable: false,
    configurable: false,
  });

  // The standard globals' values (not the global object itself, which stays extensible).
  const roots = [...hidden];
  for (let i = 0; i < standardNames.length; i++) {
    const d = OGetDesc(G, standardNames[i]);
    if (d && hasOwn(d, "value")) arrayPush(roots, d.value);
  }

  // Our own globals: timers and the clock, console, MessageChannel, performance.
  const installs = {
    console: consoleObject,
    setTimeout: setTimeoutFn, clearTimeout: clearTimerFn,
    setInterval: setIntervalFn, clearInterval: clearIntervalFn,
    queueMicrotask: queueMicrotaskFn,
    Date: VirtualDate,
    performance: performanceObject,
    MessageChannel: MessageChannelFn,
    DOMException: DOMExceptionImpl,
    AbortController: AbortControllerImpl,
    AbortSignal: AbortSignalImpl,
    structuredClone: structuredCloneFn,
  };
  if (options.dom) {
    installs.FormData = FormDataImpl;
    installs.HTMLFormControlsCollection = HTMLFormControlsCollectionImpl;
    installs.RadioNodeList = RadioNodeListImpl;
    arrayPush(roots, FormDataImpl, HTMLFormControlsCollectionImpl, RadioNodeListImpl);
  }
  arrayPush(roots, VirtualDate, MessagePortImpl, MessageChannelFn, AssertionError, DOMExceptionImpl,
    AbortControllerImpl, AbortSignalImpl, structuredCloneFn);
  const installed = OGetDescs(installs);
  delete installed.console;
  arrayPush(roots, installed);
  hardenIntrinsics(roots);

  const installKeys = OKeys(installs);
  for (let i = 0; i < installKeys.length; i++) {
    const d = OGetDesc(G, installKeys[i]);
    if (d && !d.configurable) RDefine(G, installKeys[i], { value: installs[installKeys[i]], writable: false });
    else defineFixed(installKeys[i], installs[installKeys[i]]);
  }
  // The libraries loaded before this file (React's scheduler) captured MiniRacer's own
  // setTimeout, which forwards to __timer_manager; it forwards to the virtual timers now, so
  // work React schedules that way (after an error in an effect) runs in virtual time instead
  // of failing with "Cannot read properties of undefined (reading 'setTimeout')", which hid
  // the learner's own error.
  const timerManager = freeze({ setTimeout: setTimeoutFn, clearTimeout: clearTimerFn });
  const timerManagerDesc = OGetDesc(G, "__timer_manager");
  if (timerManagerDesc && !timerManagerDesc.configurable) RDefine(G, "__timer_manager", { value: timerManager, writable: false });
  else defineFixed("__timer_manager", timerManager);
  // The standard globals cannot be replaced either (tests use Math, JSON, Object, ...).
  for (let i = 0; i < standardNames.length; i++) {
    const k = standardNames[i];
    if (arrayIncludes(installKeys, k)) continue;
    const d = OGetDesc(G, k);
    if (d && d.configurable && hasOwn(d, "value")) {
      RDefine(G, k, { value: d.value, writable: false, enumerable: d.enumerable, configurable: false });
    } else if (d && hasOwn(d, "value") && d.writable && k !== "__timer_manager") {
      RDefine(G, k, { writable: false });
    }
  }

  if (options.dom) {
    const win = G.__lmsDom.window;
    const document = win.document;
    delete G.__lmsDom;
    const domNames = G.__lmsDomNames;
    delete G.__lmsDomNames;
    defineFixed("window", win);
    defineFixed("document", pageDocument !== null ? pageDocument : document);
    for (let i = 0; i < domNames.length; i++) {
      const name = domNames[i];
      if (!hasOwn(G, name)) defineFixed(name, win[name]);
    }
  }
  delete G.__lmsCssParse;
  if (lib) {
    delete G.__lmsReactLibs;
    G.IS_REACT_ACT_ENVIRONMENT = true;
    freeze(React);
  }

  // ---- running: Python calls these through the one global ----
  const state = { phase: "new", exports: null, tests: [], running: null };

  function checkNonce(n) {
    if (n !== NONCE) throw new NTypeError("not allowed");
  }

  function newRun(kind, index) {
    return {
      kind, index, done: false, ok: false, error: null, failures: [], pending: [], uncaught: [],
      logs: [], startedAt: clock, stuck: "",
    };
  }

  function runBody(run, body) {
    current = run;
    currentLogs = run.kind === "module" ? moduleLogs : run.logs;
    timerOwner = run.kind === "module" ? "module" : "test" + run.index;
    let p;
    try {
      p = body();
    } catch (e) {
      p = new NPromise((resolve, reject) => reject(e));
    }
    promiseThen(promiseResolve(p), () => afterBody(run, null), (e) => afterBody(run, { error: e }));
  }

  function afterBody(run, thrown) {
    if (thrown !== null) {
      finish(run, false, thrown.error);
      return;
    }
    // Expectations started with .resolves/.rejects but not awaited still count.
    const pending = run.pending;
    if (pending.length === 0) { finish(run, true, null); return; }
    let left = pending.length;
    let failed = false;
    let firstError;
    for (let i = 0; i < pending.length; i++) {
      promiseThen(pending[i], () => {
        if (--left === 0) finish(run, !failed, firstError);
      }, (e) => {
        if (!failed) { failed = true; firstError = e; }
        if (--left === 0) finish(run, false, firstError);
      });
    }
  }

  function finish(run, ok, error) {
    if (run.done) return;
    run.done = true;
    run.ok = ok === true; // `throw null` and `throw undefined` fail too: ok says, not error
    run.error = error;
  }

  // A run that cannot go on (it waits for ever, or broke the harness) ends failed, with why:
  // it is over, and whatever it still does later cannot change its result.
  function giveUp(run, reason) {
    run.done = true;
    run.ok = false;
    run.stuck = reason;
  }

  function errorLocation(e, file) {
    // The first stack frame in the learner's file gives the line and column, as lines of
    // the body the module was compiled from.
    const stack = safe(() => { const s = e.stack; return typeof s === "string" ? s : ""; }, "");
    const lines = strSplit(stack, "\n");
    for (let i = 0; i < lines.length; i++) {
      const at = lines[i];
      const idx = strIndexOf(at, file + ":");
      if (idx >= 0) {
        const m = regexpExec(/:(\d+):(\d+)\)?\s*$/, at);
        if (m && NNumber(m[1]) > LINE_OFFSET) return [NNumber(m[1]) - LINE_OFFSET, NNumber(m[2])];
      }
    }
    return null;
  }

  function isHidden(run) {
    return run.kind === "test" && run.index >= HIDDEN_FROM;
  }

  function result(run) {
    const out = OCreate(null);
    const hidden = isHidden(run);
    let message = "";
    let passed = false;
    let line = null;
    let column = null;
    if (run.stuck !== "") {
      message = run.stuck;
    } else if (!run.ok && run.failures.length === 0) {
      // Of a hidden test nothing is described: describing runs the thrown value's getters.
      if (!hidden) {
        message = describeThrown(run.error);
        const loc = safe(() => errorLocation(run.error, LEARNER_FILE), null);
        if (loc !== null) { line = loc[0]; column = loc[1]; }
      }
    } else if (run.failures.length > 0) {
      // A failed expectation counts even if the code under test caught what it threw.
      message = run.failures[0];
    } else if (run.uncaught.length > 0 && run.kind === "test") {
      message = msg("uncaughtInCallback", { error: run.uncaught[0] });
    } else {
      passed = true;
    }
    out.passed = passed;
    if (hidden) {
      // A hidden test says whether it passed and nothing else: no message (it would show
      // the inputs and the expected values), no console output, no line.
      out.message = "";
      out.logs = [];
      out.line = null;
      out.column = null;
      return jsonStringify(out);
    }
    out.message = passed ? "" : strLimit(NString(message), MAX_MESSAGE);
    out.logs = arraySlice(run.kind === "module" ? moduleLogs : run.logs);
    out.line = line;
    out.column = column;
    if (run.kind === "module" && passed) {
      const names = [];
      const mod = state.moduleObject;
      if (safe(() => mod.exports !== state.exports, false)) state.exports = mod.exports;
      const ks = safe(() => OKeys(state.exports), []);
      for (let i = 0; i < ks.length; i++) if (typeof ks[i] === "string") arrayPush(names, ks[i]);
      out.exports = names;
    }
    return jsonStringify(out);
  }

  function ended(run) {
    current = null;
    if (run.kind === "test") dropTimersOf("test" + run.index);
    return result(run);
  }

  function step(run) {
    // Called by Python when the microtask queue is empty: finished, or run the next timer.
    if (run.done) return ended(run);
    if (flushWaiter !== null) {
      const w = flushWaiter;
      if (w.firings < TIMER_FIRINGS_PER_FLUSH && mapSize(timers) > 0 && clock - run.startedAt < VIRTUAL_WAIT_LIMIT_MS) {
        w.firings++;
        fireNextTimer();
        return "";
      }
      flushWaiter = null;
      w.resolve(undefined);
      return "";
    }
    if (clock - run.startedAt >= VIRTUAL_WAIT_LIMIT_MS) {
      giveUp(run, msg(run.kind === "module" ? "codeStillWaiting" : "testStillWaiting"));
      return ended(run);
    }
    if (fireNextTimer()) return "";
    giveUp(run, msg(run.kind === "module" ? "codeNeverLoads" : "testNeverFinishes"));
    return ended(run);
  }

  // The last word on a run whose step threw: the learner's code broke something the harness
  // uses (nothing else can make a step throw), so the run fails with that, not the grader.
  function brokenRun(run, e) {
    // (Of a hidden test the thrown value is not even described: that would run its getters.)
    giveUp(run, msg("harnessBroken", { error: isHidden(run) ? "" : describeThrown(e) }));
    current = null;
    try {
      return ended(run);
    } catch (again) {
      const out = OCreate(null);
      out.passed = false;
      out.message = isHidden(run) ? "" : msg("harnessBroken", { error: msg("unshowable") });
      out.logs = [];
      out.line = null;
      out.column = null;
      return jsonStringify(out);
    }
  }

  function makeRequire() {
    return function require(name) {
      if (lib && (name === "react" || name === "React")) return React;
      if (lib) throw new NError(msg("importOnlyReact", { name: NString(name) }));
      throw new NError(msg("importNothing", { name: NString(name) }));
    };
  }

  // The learner's module, compiled as the body of an async function by the Function
  // constructor: V8 parses the body on its own, so no text in it (an HTML-like comment, a
  // stray "})") can end the function early and run code outside the harness.
  function compileModule(code) {
    return new NAsyncFunction("exports", "require", "module", "React",
      LEARNER_PREFIX + code + "\n//# sourceURL=" + LEARNER_FILE);
  }

  // Where V8 would read an HTML-like comment (`<!--` anywhere, `-->` first on a line, maybe
  // after block comments) that a module, and the transformer, read as code: [line, column]
  // of the first, or null. Anywhere means in strings too: the check cannot tell them apart
  // without parsing, and a string can spell it '<!' + '--'.
  function htmlLikeComment(code) {
    const lines = strSplit(code, "\n");
    for (let i = 0; i < lines.length; i++) {
      const open = strIndexOf(lines[i], "<!--");
      if (open >= 0) return [i + 1, open + 1];
      const close = regexpExec(/^(?:.*\*\/)?(?:\s|\/\*.*?\*\/)*-->/, lines[i]);
      if (close !== null) return [i + 1, close[0].length - 2];
    }
    return null;
  }

  function withoutFetchMock() {
    // Only the harness's own fake is removed, and only if it is still a plain property:
    // whatever the learner put on the global object is left alone (and not called).
    const installed = fetchState.installed;
    fetchState.routes = null;
    fetchState.calls = [];
    fetchState.installed = null;
    if (installed === null) return;
    const d = OGetDesc(G, "fetch");
    if (d && hasOwn(d, "value") && d.value === installed && d.configurable) delete G.fetch;
  }

  const api = freeze({
    // Compile and start the learner's module: "" when it started, else a JSON
    // { syntax, message[, line, column] } saying why it could not be compiled.
    load(nonce, code) {
      checkNonce(nonce);
      if (state.phase !== "new") throw new NTypeError("already loaded");
      state.phase = "loading";
      if (styleSheet !== null && styleSheet.error !== null) {
        return jsonStringify({ syntax: true, message: msg("cssSyntax", styleSheet.error), line: styleSheet.error.line, column: null });
      }
      const html = htmlLikeComment(NString(code));
      if (html !== null) return jsonStringify({ syntax: true, message: msg("htmlComment"), line: html[0], column: html[1] });
      let moduleFn;
      try {
        moduleFn = compileModule(NString(code));
      } catch (e) {
        const syntax = safe(() => fnHasInstance(NSyntaxError, e), false);
        const message = syntax ? safe(() => NString(OGetDesc(e, "message").value), "") : describeThrown(e);
        return jsonStringify({ syntax, message });
      }
      const exportsObject = {};
      const moduleObject = { exports: exportsObject };
      state.exports = exportsObject;
      state.moduleObject = moduleObject;
      const run = newRun("module", 0);
      state.running = run;
      runBody(run, () => moduleFn(exportsObject, makeRequire(), moduleObject, React));
      return "";
    },
    // A test: `factory(h)` runs its body with h.helpers and h.exports (the module's exports,
    // read inside the test, so a getter that throws there fails this test).
    define(nonce, index, factory) {
      checkNonce(nonce);
      state.tests[index] = factory;
    },
    start(nonce, index) {
      checkNonce(nonce);
      if (state.running !== null && !state.running.done) giveUp(state.running, msg("testNeverFinishes"));
      const factory = state.tests[index];
      const run = newRun("test", index);
      state.running = run;
      withoutFetchMock();
      const h = OCreate(null);
      h.helpers = helperList;
      h.exports = state.exports;
      freeze(h);
      runBody(run, () => factory(h));
    },
    step(nonce) {
      checkNonce(nonce);
      const run = state.running;
      try {
        return step(run);
      } catch (e) {
        return brokenRun(run, e);
      }
    },
    // A message of the table for the runner ("(line 3 of your code)"), as a string.
    text(nonce, key, params) {
      checkNonce(nonce);
      return msg(NString(key), params);
    },
    // The whole table, for the test that every language has every key.
    messages(nonce) {
      checkNonce(nonce);
      return jsonStringify(MESSAGES);
    },
  });
  defineFixed("__lms", api);
})
