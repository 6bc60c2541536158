/* LMS.Blanks: fill in the gaps of a text. The platform's own H5P content type (MIT, see
   LICENSE). Each sentence is written with its gaps between asterisks, as H5P's Fill in the
   Blanks writes them: "Paroli *nestāsti/neizpaud* nevienam." (alternatives after a slash). */
var LMS = window.LMS = window.LMS || {};

LMS.Blanks = (function () {
  "use strict";

  var DEFAULT_L10N = {
    checkAnswer: "Check",
    tryAgain: "Try again",
    gapLabel: "Gap @number of @total",
    correct: "Right",
    wrong: "Not right",
    correctAnswerIs: "The answer: @answer",
    score: "You got @score of @total right.",
    notAll: "Fill in every gap first: @left left."
  };
  var GAP = /\*([^*]+)\*/g;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function fill(template, values) {
    return String(template).replace(/@(\w+)/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  /* A sentence as its parts: text, and gaps with their accepted answers. */
  function parse(sentence) {
    var parts = [];
    var last = 0;
    String(sentence).replace(GAP, function (match, answers, offset) {
      if (offset > last) { parts.push({text: sentence.slice(last, offset)}); }
      parts.push({answers: answers.split("/").map(function (answer) { return answer.trim(); })
        .filter(function (answer) { return answer; })});
      last = offset + match.length;
      return match;
    });
    if (last < sentence.length) { parts.push({text: sentence.slice(last)}); }
    return parts;
  }

  function Blanks(params, contentId, extras) {
    H5P.EventDispatcher.call(this);
    this.contentId = contentId;
    this.params = params || {};
    this.l10n = Object.assign({}, DEFAULT_L10N, this.params.l10n || {});
    this.behaviour = Object.assign({caseSensitive: false, enableRetry: true, showSolutions: true, passPercentage: 100},
                                   this.params.behaviour || {});
    this.sentences = (this.params.questions || []).map(parse);
    this.gaps = [];
    var gaps = this.gaps;
    this.sentences.forEach(function (parts) {
      parts.forEach(function (part) { if (part.answers) { gaps.push(part); } });
    });
    this.answers = this.gaps.map(function () { return ""; });
    this.checked = false;
    var previous = extras && extras.previousState;
    if (previous && Array.isArray(previous.answers) && previous.answers.length === this.gaps.length) {
      this.answers = previous.answers.map(function (answer) { return typeof answer === "string" ? answer : ""; });
      this.checked = previous.checked === true;
    }
  }

  Blanks.prototype = Object.create(H5P.EventDispatcher.prototype);
  Blanks.prototype.constructor = Blanks;

  Blanks.prototype.normalise = function (text) {
    var value = String(text).normalize("NFC").replace(/\s+/g, " ").trim();
    return this.behaviour.caseSensitive ? value : value.toLocaleLowerCase();
  };

  Blanks.prototype.isRight = function (index) {
    var self = this;
    var given = this.normalise(this.answers[index]);
    return given !== "" && this.gaps[index].answers.some(function (answer) { return self.normalise(answer) === given; });
  };

  Blanks.prototype.attach = function ($container) {
    var self = this;
    var root = $container.get(0);
    root.classList.add("lms-ct", "lms-blanks");
    root.textContent = "";
    var fieldset = el("fieldset");
    var legend = el("legend", "lms-ct-task", this.params.task || "");
    fieldset.appendChild(legend);
    this.inputs = [];
    this.marks = [];
    var number = 0;
    var total = this.gaps.length;
    this.sentences.forEach(function (parts) {
      var paragraph = el("p", "lms-blanks-sentence");
      parts.forEach(function (part) {
        if (!part.answers) { paragraph.appendChild(document.createTextNode(part.text)); return; }
        var index = number++;
        var gap = el("span", "lms-blanks-gap");
        var id = "lms-blanks-" + self.contentId + "-" + index;
        var label = el("label", "lms-ct-hidden", fill(self.l10n.gapLabel, {number: index + 1, total: total}));
        label.htmlFor = id;
        var input = el("input", "lms-blanks-input");
        input.type = "text";
        input.id = id;
        input.autocomplete = "off";
        input.spellcheck = false;
        input.setAttribute("autocapitalize", "off");
        input.size = Math.max(6, Math.min(20, Math.max.apply(null, part.answers.map(function (a) { return a.length; })) + 2));
        input.value = self.answers[index];
        input.addEventListener("input", function () { self.answers[index] = input.value; });
        input.addEventListener("keydown", function (event) {
          if (event.key === "Enter") { event.preventDefault(); self.check(); }
        });
        var mark = el("span", "lms-blanks-mark");
        mark.id = id + "-mark";
        mark.hidden = true;
        gap.appendChild(label);
        gap.appendChild(input);
        gap.appendChild(mark);
        paragraph.appendChild(gap);
        self.inputs.push(input);
        self.marks.push(mark);
      });
      fieldset.appendChild(paragraph);
    });
    root.appendChild(fieldset);
    var actions = el("div", "lms-ct-actions");
    this.checkButton = el("button", "lms-ct-button", this.l10n.checkAnswer);
    this.checkButton.type = "button";
    this.checkButton.addEventListener("click", function () { self.check(); });
    this.retryButton = el("button", "lms-ct-button lms-ct-secondary", this.l10n.tryAgain);
    this.retryButton.type = "button";
    this.retryButton.addEventListener("click", function () { self.resetTask(); if (self.inputs[0]) { self.inputs[0].focus(); } });
    actions.appendChild(this.checkButton);
    actions.appendChild(this.retryButton);
    root.appendChild(actions);
    this.feedback = el("p", "lms-ct-feedback");
    this.feedback.setAttribute("role", "status");
    this.feedback.setAttribute("aria-live", "polite");
    this.feedback.tabIndex = -1;
    root.appendChild(this.feedback);
    this.render();
    if (this.checked) { this.showResult(false); }
  };

  Blanks.prototype.render = function () {
    var self = this;
    this.inputs.forEach(function (input) { input.readOnly = self.checked; });
    this.checkButton.hidden = this.checked;
    this.retryButton.hidden = !(this.checked && this.behaviour.enableRetry);
  };

  Blanks.prototype.getScore = function () {
    var score = 0;
    for (var index = 0; index < this.gaps.length; index++) { if (this.isRight(index)) { score++; } }
    return score;
  };

  Blanks.prototype.getMaxScore = function () { return this.gaps.length; };

  Blanks.prototype.getAnswerGiven = function () { return this.answers.some(function (a) { return a.trim() !== ""; }); };

  Blanks.prototype.check = function () {
    if (this.checked) { return; }
    var left = this.answers.filter(function (answer) { return answer.trim() === ""; }).length;
    if (left) {
      this.feedback.textContent = fill(this.l10n.notAll, {left: left});
      return;
    }
    this.checked = true;
    this.render();
    this.showResult(true);
    this.feedback.focus();
  };

  Blanks.prototype.showResult = function (report) {
    var self = this;
    this.gaps.forEach(function (gap, index) {
      var right = self.isRight(index);
      var text = right ? "✓ " + self.l10n.correct : "✗ " + self.l10n.wrong;
      if (!right && self.behaviour.showSolutions) {
        text += " (" + fill(self.l10n.correctAnswerIs, {answer: gap.answers[0]}) + ")";
      }
      var mark = self.marks[index];
      mark.textContent = text;
      mark.className = "lms-blanks-mark " + (right ? "lms-ct-right" : "lms-ct-wrong");
      mark.hidden = false;
      self.inputs[index].setAttribute("aria-describedby", mark.id);
      self.inputs[index].classList.toggle("lms-blanks-wrong", !right);
    });
    this.feedback.textContent = fill(this.l10n.score, {score: this.getScore(), total: this.getMaxScore()});
    if (report) { this.report(); }
    this.trigger("resize");
  };

  Blanks.prototype.report = function () {
    var language = document.documentElement.lang || "en";
    var text = function (value) { var map = {}; map[language] = value; return map; };
    var event = this.createXAPIEventTemplate("answered");
    var definition = event.data.statement.object.definition;
    var shown = this.sentences.map(function (parts) {
      return parts.map(function (part) { return part.answers ? "__________" : part.text; }).join("");
    }).join("\n");
    definition.description = text((this.params.task ? this.params.task + "\n" : "") + shown);
    definition.type = "http://adlnet.gov/expapi/activities/cmi.interaction";
    definition.interactionType = "fill-in";
    definition.correctResponsesPattern = ["{case_matters=" + !!this.behaviour.caseSensitive + "}" +
      this.gaps.map(function (gap) { return gap.answers[0]; }).join("[,]")];
    var score = this.getScore();
    var max = this.getMaxScore();
    event.setScoredResult(score, max, this, true, max > 0 && score * 100 / max >= this.behaviour.passPercentage);
    event.data.statement.result.response = this.answers.map(function (answer) { return answer.trim(); }).join("[,]");
    this.trigger(event);
  };

  Blanks.prototype.resetTask = function () {
    var self = this;
    this.checked = false;
    this.answers = this.gaps.map(function () { return ""; });
    this.inputs.forEach(function (input, index) {
      input.value = "";
      input.removeAttribute("aria-describedby");
      input.classList.remove("lms-blanks-wrong");
      self.marks[index].hidden = true;
    });
    this.feedback.textContent = "";
    this.render();
    this.trigger("resize");
  };

  Blanks.prototype.getCurrentState = function () {
    return {answers: this.answers.slice(), checked: this.checked};
  };

  return Blanks;
})();
