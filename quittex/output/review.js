/* The review page's script: keep or leave out, alt texts, edited texts with
 * their new posts counted live, filters and counts, saving and opening review
 * files (quittex-review.json, see quittex/migrate/review.py). Plain script, no
 * library, nothing sent anywhere: the page's Content-Security-Policy forbids
 * the network. Every text shown comes translated from the "texts" block. */
"use strict";
(function () {
  var FORMAT = "quittex_review";
  var FILE_NAME = "quittex-review.json";
  var MAX_FILE_BYTES = 16 * 1024 * 1024;
  var MAX_TEXT = 50000;
  var MAX_ALT = 1500;
  var BLOCK = "\n\n";
  var META = " \u00b7 ";
  var URL_RE = /https?:\/\/[^\s<>"\u201c\u201d\u00ab\u00bb]+/giu;
  var URL_END = /[.,;:!?)\]}'"\u00bb\u2026]+$/u;
  var MENTION_RE = /(?<![=\/\p{L}\p{N}_])[@\uff20]([A-Za-z0-9_]{1,50})/gu;
  var HASHTAG_RE = /(?<![\p{L}\p{N}_&\/])[#\uff03][\p{L}\p{N}_]+/gu;
  var REMOTE_MENTION_RE = /(^|[^\/\w])@(([a-z0-9_]+)@[a-z0-9.\-]+[a-z0-9]+)/giu;
  var SENTENCE_END = /[.!?\u2026\u203c\u2047\u2048\u2049\u3002\uff01\uff1f\uff61\u061f\u06d4\u0964\u0965][)\]}"'\u00bb\u201d\u2019\u300d\u300f\u3011\u203a]*$/u;
  var NO_CUT_BEFORE = "@\uff20#\uff03";
  var PARAGRAPH = 4, LINE = 3, SENTENCE = 2, WORD = 1;

  var T, D, numbers, plurals, segmenter, encoder;
  var state = Object.create(null);  // tweet id → the choices made on this page (or opened)
  var rows = Object.create(null);  // tweet id → its row

  // -- words and numbers ------------------------------------------------------------------
  function say(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values || {}, key) ? String(values[key]) : whole;
    });
  }
  function num(n) { return numbers.format(n); }
  function counted(pair, n, values) {
    var form = plurals.select(n) === "one" ? pair[0] : pair[1];
    values = values || {};
    values.count = num(n);
    return say(form, values);
  }
  function graphemeCount(text) {
    if (!segmenter) return Array.from(text).length;
    var n = 0, it = segmenter.segment(text)[Symbol.iterator]();
    while (!it.next().done) n++;
    return n;
  }
  function graphemes(text) {
    if (!segmenter) return Array.from(text);
    return Array.from(segmenter.segment(text), function (s) { return s.segment; });
  }
  function bytes(text) { return encoder.encode(text).length; }

  // -- how a platform writes and counts a text --------------------------------------------
  function displayUrl(url) {
    var m = /^https?:\/\/([^\/?#]*)(.*)$/i.exec(url);
    if (!m || !m[1]) return url;
    var host = m[1].split("@").pop(), rest = m[2] === "/" ? "" : m[2];
    var clusters = graphemes(rest);
    if (clusters.length > 15) rest = clusters.slice(0, 13).join("") + "\u2026";
    return host + rest;
  }

  function tokens(text) {
    var found = [];
    var m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text))) {
      var url = m[0].replace(URL_END, "");
      if (url.indexOf("://") > 0 && url.length > url.indexOf("://") + 3) found.push([m.index, m.index + url.length, "link", url]);
    }
    MENTION_RE.lastIndex = 0;
    while ((m = MENTION_RE.exec(text))) found.push([m.index, m.index + m[0].length, "mention", m[1]]);
    HASHTAG_RE.lastIndex = 0;
    while ((m = HASHTAG_RE.exec(text))) found.push([m.index, m.index + m[0].length, "tag", m[0]]);
    found.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var out = [], position = 0;
    found.forEach(function (f) {
      if (f[0] < position) return;
      if (f[0] > position) out.push({ kind: "text", text: text.slice(position, f[0]) });
      out.push({ kind: f[2], text: text.slice(f[0], f[1]), value: f[3] });
      position = f[1];
    });
    if (position < text.length) out.push({ kind: "text", text: text.slice(position) });
    return out;
  }

  function withoutLeadingMentions(list, names) {
    var i = 0;
    while (i < list.length) {
      var t = list[i];
      if (t.kind === "text" && !t.text.trim()) { i++; continue; }
      if (t.kind === "mention" && names.indexOf(t.value.toLowerCase()) >= 0) { i++; continue; }
      break;
    }
    return list.slice(i);
  }

  function written(token, rule) {
    if (token.kind === "link") return rule.shortLinks ? displayUrl(token.value) : token.value;
    if (token.kind === "mention") {
      var mapped = rule.handles[token.value.toLowerCase()];
      if (mapped) return "@" + mapped;
      if (rule.mentions === "drop") return "";
      if (rule.mentions === "link") return rule.linkMention === "url" ? "https://x.com/" + token.value : "@" + token.value;
      return "\uff20" + token.value;
    }
    return token.text;
  }

  /* The body of the posts: the reply line, then the text as the platform writes it,
   * with the places no cut may go inside (links, mentions, hashtags). */
  function body(text, tweet, shape, rule) {
    var list = tokens(text);
    var self = D.archive.username.toLowerCase();
    if (tweet.position > 1 || tweet.replyTo.toLowerCase() === self) list = withoutLeadingMentions(list, [self]);
    if (shape.prefix && tweet.replyTo) list = withoutLeadingMentions(list, [tweet.replyTo.toLowerCase()]);
    var out = shape.prefix || "", atomics = [];
    if (out) atomics.push([0, out.length]);
    list.forEach(function (t) {
      var shown = written(t, rule);
      if (t.kind !== "text" && shown) atomics.push([out.length, out.length + shown.length]);
      out += shown;
    });
    var start = out.length - out.replace(/^\s+/, "").length;
    return { text: out.trim(), atomics: atomics.map(function (a) { return [a[0] - start, a[1] - start]; }) };
  }

  function measure(text, rule, spoiler) {
    if (rule.urlWeight) {
      var weight = new Array(rule.urlWeight + 1).join("x");
      var countable = text.replace(URL_RE, weight).replace(REMOTE_MENTION_RE, "$1@$3");
      return graphemeCount(countable) + graphemeCount(spoiler || "");
    }
    return graphemeCount(text);
  }
  function fits(text, rule, spoiler) {
    if (measure(text, rule, spoiler) > rule.limit) return false;
    return !(rule.maxBytes && bytes(text) > rule.maxBytes);
  }

  function joined(blocks) { return blocks.filter(function (b) { return b; }).join(BLOCK); }
  function meta(k, total, note) {
    var number = total > 1 ? (k + 1) + "/" + total : "";
    return number && note ? number + META + note : number || note;
  }

  // -- cutting (close to quittex/rewrite/split.py) ----------------------------------------
  function cutPlaces(text, atomics) {
    var n = text.length, allowed = new Uint8Array(n + 1), i;
    if (segmenter) {
      var it = segmenter.segment(text)[Symbol.iterator](), s;
      while (!(s = it.next()).done) allowed[s.value.index] = 1;
    } else {
      for (i = 0; i < n; i++) allowed[i] = /[\udc00-\udfff]/.test(text[i]) ? 0 : 1;
    }
    allowed[0] = 0;
    for (i = 1; i < n; i++) {
      if (/\s/.test(text[i - 1]) || NO_CUT_BEFORE.indexOf(text[i]) >= 0) allowed[i] = 0;
    }
    atomics.forEach(function (a) { for (var j = a[0] + 1; j < a[1]; j++) allowed[j] = 0; });
    var cuts = [], ranked = [];
    for (i = 1; i < n; i++) if (allowed[i]) cuts.push(i);
    var runs = /\s+/g, m;
    while ((m = runs.exec(text))) {
      if (!allowed[m.index]) continue;
      var newlines = (m[0].match(/\n/g) || []).length;
      var rank = newlines >= 2 ? PARAGRAPH : newlines === 1 ? LINE : SENTENCE_END.test(text.slice(Math.max(0, m.index - 8), m.index)) ? SENTENCE : WORD;
      ranked.push([m.index, rank]);
    }
    return { cuts: cuts, ranked: ranked };
  }

  function skipSpace(text, position) {
    while (position < text.length && /\s/.test(text[position])) position++;
    return position;
  }

  function preferred(ranked, start, furthest) {
    var halfway = start + (furthest - start) / 2;
    var near = ranked.filter(function (r) { return r[0] > start && r[0] <= furthest; });
    for (var rank = PARAGRAPH; rank >= SENTENCE; rank--) {
      for (var i = near.length - 1; i >= 0; i--) {
        if (near[i][0] < halfway) break;
        if (near[i][1] === rank) return near[i][0];
      }
    }
    return near.length ? near[near.length - 1][0] : furthest;
  }

  function splitBody(text, atomics, partFits) {
    var places = cutPlaces(text, atomics), cuts = places.cuts, parts = [];
    var start = skipSpace(text, 0), n = text.length;
    while (start < n) {
      var k = parts.length;
      var candidates = cuts.filter(function (c) { return c > start; });
      candidates.push(n);
      var ok = function (end) { return partFits(k, text.slice(start, end).trim()); };
      var end;
      if (!ok(candidates[0])) end = candidates[0];
      else if (ok(n)) end = n;
      else {
        var good = 0, bad = candidates.length - 1;
        while (bad - good > 1) {
          var middle = (good + bad) >> 1;
          if (ok(candidates[middle])) good = middle; else bad = middle;
        }
        end = preferred(places.ranked, start, candidates[good]);
      }
      parts.push(text.slice(start, end).trim());
      start = skipSpace(text, end);
    }
    return parts;
  }

  /* The posts `text` would become on one platform: [{text, length, over, media}]. */
  function posts(text, tweet, platform) {
    var rule = D.platforms[platform], shape = tweet.platforms[platform] || {};
    var spoiler = shape.spoiler || "", note = shape.note || "", extra = shape.extra || 0;
    var quote = shape.quote || "", quoteMeasured = shape.quoteMeasured || quote;
    var b = body(text, tweet, shape, rule);
    var build = function (k, bodyText, total, measured, withNote) {
      return joined([bodyText, k === 0 ? (measured ? quoteMeasured : quote) : "", meta(k, total, k === 0 && withNote ? note : "")]);
    };
    var out = function (texts, total, noteOmitted) {
      return texts.map(function (t, k) {
        var length = measure(t, rule, spoiler);
        return { text: t, length: length, over: !fits(t, rule, spoiler), media: k >= total - extra && extra > 0, noteOmitted: noteOmitted && k === 0 };
      });
    };
    if (!extra) {
      if (fits(build(0, b.text, 1, true, true), rule, spoiler)) return out([build(0, b.text, 1, false, true)], 1);
      if (note && !rule.noteCanSplit && fits(build(0, b.text, 1, true, false), rule, spoiler)) {
        return out([build(0, b.text, 1, false, false)], 1, true);
      }
    }
    var widest = 9, bodies, total;
    for (;;) {
      var probe = widest;
      bodies = splitBody(b.text, b.atomics, function (k, t) { return fits(build(k, t, probe, true, true), rule, spoiler); });
      if (!bodies.length) bodies = [""];
      total = bodies.length + extra;
      if (total <= widest) break;
      widest = widest * 10 + 9;
    }
    var texts = bodies.map(function (t, k) { return build(k, t, total, false, true); });
    for (var j = 0; j < extra; j++) texts.push(meta(bodies.length + j, total, ""));
    return out(texts, total);
  }

  // -- one tweet --------------------------------------------------------------------------
  function entry(id) {
    unsaved(true);
    return state[id] || (state[id] = Object.create(null));
  }
  /* Choices not saved yet: the browser asks before the page is closed or reloaded. */
  function unsaved(yes) {
    if (yes) document.documentElement.dataset.unsaved = "1";
    else delete document.documentElement.dataset.unsaved;
  }
  function original(id) { return D.tweets[id] ? D.tweets[id].original : ""; }
  function textOf(row) { var box = row.querySelector(".text-box"); return box ? box.value : null; }
  function isEdited(row) {
    var text = textOf(row);
    return text !== null && text.replace(/\r\n?/g, "\n") !== original(row.dataset.tweetId).replace(/\r\n?/g, "\n");
  }
  function isKept(row) { return row.querySelector(".keep-box").checked; }

  /* The posts beside an edited tweet: those the dry run made when it made the
   * page from this very text, else the script's count of the new text. */
  function showLive(row) {
    var id = row.dataset.tweetId, edited = isEdited(row), tweet = D.tweets[id];
    var fresh = !!tweet && textOf(row) !== null && textOf(row).replace(/\r\n?/g, "\n") !== tweet.planned;
    row.classList.toggle("edited", edited);
    row.dataset.liveSplit = "";
    row.dataset.counted = fresh ? "1" : "";  // the posts shown are the script's count
    var summary = [];
    row.querySelectorAll(".col[data-platform]").forEach(function (col) {
      var platform = col.dataset.platform, live = col.querySelector(".live"), planned = col.querySelector(".planned");
      planned.hidden = fresh;
      live.hidden = !fresh;
      live.textContent = "";
      if (!fresh) return;
      var made = posts(textOf(row), tweet, platform), rule = D.platforms[platform];
      var textPosts = made.filter(function (p) { return !p.media; }).length;
      if (textPosts > 1) row.dataset.liveSplit = "1";
      summary.push(rule.label + " " + counted(T.posts, made.length));
      var title = document.createElement("p");
      title.className = "live-title";
      title.textContent = say(T.liveTitle, { posts: counted(T.posts, made.length) });
      live.appendChild(title);
      made.forEach(function (p, k) {
        var part = document.createElement("div");
        part.className = "live-part";
        var body = document.createElement("div");
        body.className = "text";
        body.textContent = p.media ? "\ud83d\uddbc " + T.mediaPost + (p.text ? " \u00b7 " + p.text : "") : p.text;
        part.appendChild(body);
        var line = document.createElement("div");
        line.className = "meta";
        var length = document.createElement("span");
        length.textContent = say(T.part, { number: num(k + 1), total: num(made.length) }) + " \u00b7 " + num(p.length) + "/" + num(rule.limit);
        if (p.over) {
          length.className = "over";
          length.textContent += " \u2014 " + say(T.over, { platform: rule.label });
        }
        line.appendChild(length);
        part.appendChild(line);
        if (p.noteOmitted) {
          var omitted = document.createElement("div");
          omitted.className = "meta warning";
          omitted.textContent = T.noteOmitted;
          part.appendChild(omitted);
        }
        live.appendChild(part);
      });
    });
    var said = row.querySelector(".live-summary");
    if (said) said.textContent = fresh ? say(T.liveSummary, { summary: summary.join(", ") }) : "";
  }

  function showAltLength(box) {
    var shown = box.parentNode.querySelector(".alt-length");
    if (!shown) return;
    var n = Array.from(box.value).length;
    shown.textContent = n ? (n > MAX_ALT ? say(T.altOver, { count: num(n), limit: num(MAX_ALT) }) : say(T.altLength, { count: num(n) })) : "";
    shown.classList.toggle("over", n > MAX_ALT);
  }

  function setKeep(row, keep) {
    var box = row.querySelector(".keep-box");
    if (box.disabled) return;
    box.checked = keep;
    row.classList.toggle("left-out", !keep);
    entry(row.dataset.tweetId).keep = keep;
  }
  function setText(row, text) {
    var box = row.querySelector(".text-box");
    if (!box || box.disabled) return;
    box.value = text;
    entry(row.dataset.tweetId).text = text;
    var details = box.closest("details");
    if (details && isEdited(row)) details.open = true;
    showLive(row);
  }
  function setAlt(row, path, alt) {
    var found = null;
    row.querySelectorAll(".alt-box").forEach(function (box) { if (box.dataset.media === path) found = box; });
    if (!found || found.disabled) return false;
    found.value = alt;
    var e = entry(row.dataset.tweetId);
    (e.alt || (e.alt = {}))[path] = alt;
    showAltLength(found);
    return true;
  }

  // -- filters and counts -----------------------------------------------------------------
  function matches(row, year, kind) {
    if (year && row.dataset.year !== year) return false;
    if (!kind) return true;
    if (kind === "noalt") {
      return Array.prototype.some.call(row.querySelectorAll(".alt-box"), function (b) { return !b.value.trim(); });
    }
    if (kind === "leftout") return !isKept(row);
    if (kind === "edited") return isEdited(row);
    if (kind === "split" && row.dataset.counted === "1") return row.dataset.liveSplit === "1";
    return (" " + row.dataset.kinds + " ").indexOf(" " + kind + " ") >= 0;
  }
  function filter() {
    var year = document.getElementById("filter-year").value, kind = document.getElementById("filter-kind").value;
    Object.keys(rows).forEach(function (id) { rows[id].hidden = !matches(rows[id], year, kind); });
    document.querySelectorAll(".thread").forEach(function (thread) {
      thread.hidden = !thread.querySelector(".row:not([hidden])");
    });
    count();
  }
  function count() {
    var all = Object.keys(rows).map(function (id) { return rows[id]; });
    var alts = document.querySelectorAll(".alt-box");
    var kept = all.filter(isKept).length;
    document.getElementById("counts").textContent = say(T.counts, {
      shown: num(all.filter(function (r) { return !r.hidden; }).length),
      total: num(all.length),
      kept: num(kept),
      left: num(all.length - kept),
      edited: num(all.filter(isEdited).length),
      alts: num(Array.prototype.filter.call(alts, function (b) { return b.value.trim(); }).length),
      media: num(alts.length)
    });
  }
  var pending = {};
  function later(key, run, delay) {
    clearTimeout(pending[key]);
    pending[key] = setTimeout(run, delay);
  }

  // -- review files -----------------------------------------------------------------------
  function reviewDocument() {
    var tweets = {};
    Object.keys(state).forEach(function (id) {
      if (!rows[id]) return;
      var e = state[id], out = {};
      if (typeof e.keep === "boolean") out.keep = e.keep;
      if (typeof e.text === "string") out.text = e.text;
      if (e.alt && Object.keys(e.alt).length) out.alt = e.alt;
      if (Object.keys(out).length) tweets[id] = out;
    });
    var doc = {};
    doc[FORMAT] = 1;
    doc.archive = D.archive;
    doc.saved_at = new Date().toISOString();
    doc.tweets = tweets;
    return doc;
  }

  function save() {
    var doc = reviewDocument(), tweets = doc.tweets, ids = Object.keys(tweets);
    var blob = new Blob([JSON.stringify(doc, null, 1) + "\n"], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = FILE_NAME;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 10000);
    unsaved(false);
    var alts = 0;
    ids.forEach(function (id) {
      var alt = tweets[id].alt || {};
      Object.keys(alt).forEach(function (p) { if (alt[p].trim()) alts++; });
    });
    status([say(T.saved, {
      file: FILE_NAME,
      left: num(ids.filter(function (id) { return tweets[id].keep === false; }).length),
      edited: num(Object.keys(rows).filter(function (id) { return isEdited(rows[id]); }).length),
      alts: num(alts)
    })], []);
  }

  function status(messages, problems) {
    var box = document.getElementById("file-status");
    box.textContent = "";
    messages.forEach(function (m) { box.appendChild(document.createTextNode(m + " ")); });
    problems.forEach(function (p) {
      var span = document.createElement("span");
      span.className = "problem";
      span.textContent = p;
      box.appendChild(span);
    });
  }

  function isObject(value) { return value !== null && typeof value === "object" && !Array.isArray(value); }

  function sameArchive(archive) {
    if (!isObject(archive)) return false;
    var mine = D.archive;
    if (typeof archive.account_id === "string" && archive.account_id && mine.account_id) return archive.account_id === mine.account_id;
    return typeof archive.username === "string" && archive.username.replace(/^@/, "").toLowerCase() === mine.username.toLowerCase();
  }

  /* One decoded review applied to the page; returns what it said, or throws a sentence. */
  function applyDocument(doc, file, problems) {
    if (!isObject(doc) || !(FORMAT in doc) || !isObject(doc.tweets)) throw say(T.notReview, { file: file });
    if (doc[FORMAT] !== 1) throw say(T.otherVersion, { file: file, version: String(doc[FORMAT]).slice(0, 20) });
    if (!sameArchive(doc.archive)) {
      var other = isObject(doc.archive) ? String(doc.archive.username || doc.archive.account_id || "?").slice(0, 50) : "?";
      throw say(T.otherArchive, { file: file, other: other, username: D.archive.username });
    }
    var notOnPage = 0;
    Object.keys(doc.tweets).forEach(function (id) {
      var row = rows[id], e = doc.tweets[id];
      if (!row) { notOnPage++; return; }
      if (!isObject(e)) { problems.push(say(T.badField, { file: file, id: id, field: "?" })); return; }
      Object.keys(e).forEach(function (field) {
        var value = e[field];
        if (field === "keep" && typeof value === "boolean") setKeep(row, value);
        else if (field === "text" && typeof value === "string" && value.length <= MAX_TEXT) setText(row, value.replace(/\r\n?/g, "\n"));
        else if (field === "alt" && isObject(value)) {
          Object.keys(value).forEach(function (path) {
            if (typeof value[path] !== "string" || value[path].length > MAX_ALT || !setAlt(row, path, value[path])) {
              problems.push(say(T.badField, { file: file, id: id, field: "alt" }));
            }
          });
        } else problems.push(say(T.badField, { file: file, id: id, field: String(field).slice(0, 30) }));
      });
    });
    return notOnPage ? counted(T.notOnPage, notOnPage, { file: file }) : "";
  }

  function readFile(file) {
    if (file.text) return file.text();
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsText(file);
    });
  }

  function open(files) {
    var list = Array.prototype.slice.call(files), messages = [], problems = [], opened = 0;
    var next = function (index) {
      if (index >= list.length) {
        if (opened) messages.unshift(counted(T.opened, opened));
        status(messages, problems);
        filter();
        document.getElementById("open-review").value = "";
        return;
      }
      var file = list[index];
      if (file.size > MAX_FILE_BYTES) { problems.push(say(T.tooBig, { file: file.name })); next(index + 1); return; }
      readFile(file).then(function (text) {
        var doc;
        try { doc = JSON.parse(String(text).replace(/^\ufeff/, "")); } catch (error) { throw say(T.badJson, { file: file.name }); }
        var said = applyDocument(doc, file.name, problems);
        opened++;
        if (said) messages.push(said);
      }, function () { throw say(T.unreadable, { file: file.name }); }).catch(function (problem) {
        problems.push(typeof problem === "string" ? problem : say(T.unreadable, { file: file.name }));
      }).then(function () { next(index + 1); });
    };
    next(0);
  }

  // -- start ------------------------------------------------------------------------------
  function start() {
    T = JSON.parse(document.getElementById("texts").textContent);
    D = JSON.parse(document.getElementById("review-data").textContent);
    var lang = D.language || document.documentElement.lang || "en";
    numbers = new Intl.NumberFormat(lang);
    plurals = new Intl.PluralRules(lang);
    segmenter = typeof Intl.Segmenter === "function" ? new Intl.Segmenter(lang, { granularity: "grapheme" }) : null;
    encoder = new TextEncoder();
    document.querySelectorAll(".row[data-tweet-id]").forEach(function (row) { rows[row.dataset.tweetId] = row; });
    Object.keys(D.initial || {}).forEach(function (id) {
      if (!rows[id]) return;
      var e = D.initial[id], copy = {};
      if (typeof e.keep === "boolean") copy.keep = e.keep;
      if (typeof e.text === "string") copy.text = e.text;
      if (isObject(e.alt)) copy.alt = Object.assign({}, e.alt);
      state[id] = copy;
    });
    Object.keys(rows).forEach(function (id) {
      var row = rows[id];
      if (isEdited(row)) showLive(row);
      row.querySelectorAll(".alt-box").forEach(showAltLength);
    });
    window.onbeforeunload = function (event) {
      if (!document.documentElement.dataset.unsaved) return undefined;
      event.preventDefault();
      event.returnValue = "";
      return "";
    };
    document.addEventListener("change", function (event) {
      var target = event.target, row = target.closest && target.closest(".row");
      if (target.classList.contains("keep-box") && row) { setKeep(row, target.checked); count(); }
      else if (target.id === "filter-year" || target.id === "filter-kind") filter();
      else if (target.id === "open-review" && target.files && target.files.length) open(target.files);
    });
    document.addEventListener("input", function (event) {
      var target = event.target, row = target.closest && target.closest(".row");
      if (!row) return;
      var id = row.dataset.tweetId;
      if (target.classList.contains("text-box")) {
        entry(id).text = target.value;
        later("live-" + id, function () { showLive(row); count(); }, 150);
      } else if (target.classList.contains("alt-box")) {
        var e = entry(id);
        (e.alt || (e.alt = {}))[target.dataset.media] = target.value;
        showAltLength(target);
        later("count", count, 400);
      }
    });
    document.addEventListener("click", function (event) {
      var target = event.target;
      if (target.id === "save-review") save();
      else if (target.classList && target.classList.contains("undo-edit")) {
        var row = target.closest(".row");
        setText(row, original(row.dataset.tweetId));
        count();
        row.querySelector(".text-box").focus();
      }
    });
    count();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
