/* LMS.Choice: one or more multiple-choice questions, each with one right answer (radio
   buttons) or several (check boxes). The platform's own H5P content type (MIT, see
   LICENSE). Each question reports its answer as a sub-content of the activity, as H5P's
   question sets do, and the whole its score. */
var LMS = window.LMS = window.LMS || {};

LMS.Choice = (function () {
  "use strict";

  var DEFAULT_L10N = {
    checkAnswer: "Check",
    tryAgain: "Try again",
    chooseOne: "Choose one answer.",
    chooseAll: "Choose every right answer.",
    correct: "Right",
    wrong: "Not right",
    rightAnswers: "Right: @answers",
    score: "You got @score of @total questions right.",
    notAll: "Answer every question first: @left left."
  };

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

  function Choice(params, contentId, extras) {
    H5P.EventDispatcher.call(this);
    this.contentId = contentId;
    this.params = params || {};
    this.l10n = Object.assign({}, DEFAULT_L10N, this.params.l10n || {});
    this.behaviour = Object.assign({enableRetry: true, showSolutions: true, passPercentage: 100},
                                   this.params.behaviour || {});
    this.questions = (this.params.questions || []).map(function (question) {
      var answers = (question.answers || []).map(function (answer) {
        return {text: String(answer.text), correct: answer.correct === true,
                feedback: answer.feedback ? String(answer.feedback) : ""};
      });
      var right = answers.filter(function (answer) { return answer.correct; }).length;
      return {text: String(question.question), subContentId: String(question.subContentId || ""),
              multiple: question.multiple === true || right > 1, answers: answers};
    });
    this.chosen = this.questions.map(function () { return []; });
    this.checked = false;
    var previous = extras && extras.previousState;
    var questions = this.questions;
    if (previous && Array.isArray(previous.chosen) && previous.chosen.length === questions.length) {
      this.chosen = previous.chosen.map(function (chosen, index) {
        return Array.isArray(chosen) ? chosen.filter(function (answer) {
          return typeof answer === "number" && answer >= 0 && answer < questions[index].answers.length;
        }) : [];
      });
      this.checked = previous.checked === true;
    }
  }

  Choice.prototype = Object.create(H5P.EventDispatcher.prototype);
  Choice.prototype.constructor = Choice;

  Choice.prototype.attach = function ($container) {
    var self = this;
    var root = $container.get(0);
    root.classList.add("lms-ct", "lms-choice");
    root.textContent = "";
    if (this.params.task) { root.appendChild(el("p", "lms-ct-task", this.params.task)); }
    this.views = this.questions.map(function (question, index) {
      var fieldset = el("fieldset", "lms-choice-question");
      var legend = el("legend", "lms-choice-legend", question.text);
      fieldset.appendChild(legend);
      fieldset.appendChild(el("p", "lms-choice-hint", question.multiple ? self.l10n.chooseAll : self.l10n.chooseOne));
      var list = el("ul", "lms-choice-answers");
      var inputs = question.answers.map(function (answer, number) {
        var item = el("li", "lms-choice-answer");
        var label = el("label", "lms-choice-label");
        var input = el("input");
        input.type = question.multiple ? "checkbox" : "radio";
        input.name = "lms-choice-" + self.contentId + "-" + index;
        input.value = String(number);
        input.addEventListener("change", function () { self.choose(index); });
        label.appendChild(input);
        label.appendChild(el("span", "", answer.text));
        item.appendChild(label);
        var mark = el("p", "lms-choice-mark");
        mark.hidden = true;
        item.appendChild(mark);
        list.appendChild(item);
        return {input: input, mark: mark};
      });
      fieldset.appendChild(list);
      var result = el("p", "lms-choice-result");
      result.hidden = true;
      fieldset.appendChild(result);
      root.appendChild(fieldset);
      return {inputs: inputs, result: result};
    });
    var actions = el("div", "lms-ct-actions");
    this.checkButton = el("button", "lms-ct-button", this.l10n.checkAnswer);
    this.checkButton.type = "button";
    this.checkButton.addEventListener("click", function () { self.check(); });
    this.retryButton = el("button", "lms-ct-button lms-ct-secondary", this.l10n.tryAgain);
    this.retryButton.type = "button";
    this.retryButton.addEventListener("click", function () {
      self.resetTask();
      var first = self.views[0] && self.views[0].inputs[0];
      if (first) { first.input.focus(); }
    });
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

  Choice.prototype.choose = function (index) {
    if (this.checked) { return; }
    this.chosen[index] = this.views[index].inputs.map(function (view, number) {
      return view.input.checked ? number : -1;
    }).filter(function (number) { return number >= 0; });
  };

  Choice.prototype.render = function () {
    var self = this;
    this.views.forEach(function (view, index) {
      view.inputs.forEach(function (answer, number) {
        answer.input.checked = self.chosen[index].indexOf(number) !== -1;
        answer.input.disabled = self.checked;
      });
    });
    this.checkButton.hidden = this.checked;
    this.retryButton.hidden = !(this.checked && this.behaviour.enableRetry);
  };

  Choice.prototype.isRight = function (index) {
    var chosen = this.chosen[index];
    return this.questions[index].answers.every(function (answer, number) {
      return answer.correct === (chosen.indexOf(number) !== -1);
    });
  };

  Choice.prototype.getScore = function () {
    var score = 0;
    for (var index = 0; index < this.questions.length; index++) { if (this.isRight(index)) { score++; } }
    return score;
  };

  Choice.prototype.getMaxScore = function () { return this.questions.length; };

  Choice.prototype.getAnswerGiven = function () { return this.chosen.some(function (c) { return c.length > 0; }); };

  Choice.prototype.check = function () {
    var left = this.chosen.filter(function (chosen) { return chosen.length === 0; }).length;
    if (left) {
      this.feedback.textContent = fill(this.l10n.notAll, {left: left});
      return;
    }
    this.checked = true;
    this.render();
    this.showResult(true);
    this.feedback.focus();
  };

  Choice.prototype.showResult = function (report) {
    var self = this;
    this.questions.forEach(function (question, index) {
      var view = self.views[index];
      question.answers.forEach(function (answer, number) {
        var mark = view.inputs[number].mark;
        var picked = self.chosen[index].indexOf(number) !== -1;
        if (picked && answer.feedback) {
          mark.textContent = answer.feedback;
          mark.hidden = false;
        }
      });
      var right = self.isRight(index);
      var text = right ? "✓ " + self.l10n.correct : "✗ " + self.l10n.wrong;
      if (!right && self.behaviour.showSolutions) {
        text += ". " + fill(self.l10n.rightAnswers, {answers: question.answers.filter(function (answer) {
          return answer.correct;
        }).map(function (answer) { return answer.text; }).join("; ")});
      }
      view.result.textContent = text;
      view.result.className = "lms-choice-result " + (right ? "lms-ct-right" : "lms-ct-wrong");
      view.result.hidden = false;
    });
    this.feedback.textContent = fill(this.l10n.score, {score: this.getScore(), total: this.getMaxScore()});
    if (report) { this.report(); }
    this.trigger("resize");
  };

  Choice.prototype.report = function () {
    var self = this;
    var language = document.documentElement.lang || "en";
    var text = function (value) { var map = {}; map[language] = value; return map; };
    this.questions.forEach(function (question, index) {
      if (!question.subContentId) { return; }
      // Each question as H5P reports a question of a set: a sub-content of this activity.
      var part = {contentId: self.contentId, subContentId: question.subContentId, parent: self,
                  getTitle: function () { return question.text.slice(0, 60); }};
      var event = H5P.EventDispatcher.prototype.createXAPIEventTemplate.call(part, "answered");
      var definition = event.data.statement.object.definition;
      definition.description = text(question.text);
      definition.type = "http://adlnet.gov/expapi/activities/cmi.interaction";
      definition.interactionType = "choice";
      definition.choices = question.answers.map(function (answer, number) {
        return {id: String(number), description: text(answer.text)};
      });
      definition.correctResponsesPattern = [question.answers.map(function (answer, number) {
        return answer.correct ? String(number) : null;
      }).filter(function (id) { return id !== null; }).join("[,]")];
      var right = self.isRight(index);
      event.setScoredResult(right ? 1 : 0, 1, self, true, right);
      event.data.statement.result.response = self.chosen[index].join("[,]");
      self.trigger(event);
    });
    var event = this.createXAPIEventTemplate("answered");
    var score = this.getScore();
    var max = this.getMaxScore();
    if (this.params.task) { event.data.statement.object.definition.description = text(this.params.task); }
    event.setScoredResult(score, max, this, true, max > 0 && score * 100 / max >= this.behaviour.passPercentage);
    this.trigger(event);
  };

  Choice.prototype.resetTask = function () {
    this.checked = false;
    this.chosen = this.questions.map(function () { return []; });
    this.views.forEach(function (view) {
      view.result.hidden = true;
      view.inputs.forEach(function (answer) { answer.mark.hidden = true; });
    });
    this.feedback.textContent = "";
    this.render();
    this.trigger("resize");
  };

  Choice.prototype.getCurrentState = function () {
    return {chosen: this.chosen.map(function (chosen) { return chosen.slice(); }), checked: this.checked};
  };

  return Choice;
})();
