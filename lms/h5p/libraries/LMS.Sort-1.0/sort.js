/* LMS.Sort: put each item into its category (passwords into "safe" and "unsafe").
   The platform's own H5P content type (MIT, see LICENSE): each item is a group of radio
   buttons, one per category, so it works by keyboard, with a screen reader and by tapping
   on a phone; with a mouse or a finger an item can also be dragged into a category. */
var LMS = window.LMS = window.LMS || {};

LMS.Sort = (function () {
  "use strict";

  var DEFAULT_L10N = {
    unsorted: "Not sorted yet",
    checkAnswer: "Check",
    tryAgain: "Try again",
    correct: "Right",
    wrong: "Not right",
    rightCategory: "It belongs in: @category",
    score: "You got @score of @total right.",
    notAll: "Sort every item first: @left left.",
    moved: "@item: @category"
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

  function Sort(params, contentId, extras) {
    H5P.EventDispatcher.call(this);
    this.contentId = contentId;
    this.params = params || {};
    this.l10n = Object.assign({}, DEFAULT_L10N, this.params.l10n || {});
    this.behaviour = Object.assign({enableRetry: true, showSolutions: true, passPercentage: 100},
                                   this.params.behaviour || {});
    this.categories = (this.params.categories || []).map(function (category) { return String(category.label); });
    var categories = this.categories;
    this.items = (this.params.items || []).map(function (item) {
      return {text: String(item.text), category: categories.indexOf(String(item.category)),
              feedback: item.feedback ? String(item.feedback) : ""};
    });
    this.answers = this.items.map(function () { return null; });
    this.checked = false;
    var previous = extras && extras.previousState;
    if (previous && Array.isArray(previous.answers) && previous.answers.length === this.items.length) {
      this.answers = previous.answers.map(function (answer) {
        return typeof answer === "number" && answer >= 0 && answer < categories.length ? answer : null;
      });
      this.checked = previous.checked === true && this.answers.indexOf(null) === -1;
    }
  }

  Sort.prototype = Object.create(H5P.EventDispatcher.prototype);
  Sort.prototype.constructor = Sort;

  Sort.prototype.attach = function ($container) {
    var self = this;
    var root = $container.get(0);
    root.classList.add("lms-ct", "lms-sort");
    root.textContent = "";
    if (this.params.task) { root.appendChild(el("p", "lms-ct-task", this.params.task)); }
    this.zones = [];
    var zones = el("div", "lms-sort-zones");
    var names = [this.l10n.unsorted].concat(this.categories);
    names.forEach(function (name, index) {
      var zone = el("section", "lms-sort-zone" + (index === 0 ? " lms-sort-pool" : ""));
      var heading = el("h2", "lms-sort-zone-title", name);
      heading.id = "lms-sort-" + self.contentId + "-zone-" + index;
      zone.setAttribute("aria-labelledby", heading.id);
      zone.dataset.category = String(index - 1);
      var list = el("ul", "lms-sort-list");
      zone.appendChild(heading);
      zone.appendChild(list);
      zones.appendChild(zone);
      self.zones.push({zone: zone, list: list});
    });
    root.appendChild(zones);
    this.cards = this.items.map(function (item, index) { return self.makeCard(item, index); });
    var actions = el("div", "lms-ct-actions");
    this.checkButton = el("button", "lms-ct-button", this.l10n.checkAnswer);
    this.checkButton.type = "button";
    this.checkButton.addEventListener("click", function () { self.check(); });
    this.retryButton = el("button", "lms-ct-button lms-ct-secondary", this.l10n.tryAgain);
    this.retryButton.type = "button";
    this.retryButton.addEventListener("click", function () { self.resetTask(); self.checkButton.focus(); });
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

  Sort.prototype.makeCard = function (item, index) {
    var self = this;
    var card = el("li", "lms-sort-card");
    var fieldset = el("fieldset", "lms-sort-fieldset");
    var legend = el("legend", "lms-sort-item");
    var grip = el("span", "lms-sort-grip");
    grip.setAttribute("aria-hidden", "true");
    legend.appendChild(grip);
    legend.appendChild(document.createTextNode(item.text));
    fieldset.appendChild(legend);
    var choices = el("div", "lms-sort-choices");
    var radios = this.categories.map(function (name, category) {
      var label = el("label", "lms-sort-choice");
      var radio = el("input");
      radio.type = "radio";
      radio.name = "lms-sort-" + self.contentId + "-" + index;
      radio.value = String(category);
      radio.addEventListener("change", function () {
        if (radio.checked) { self.place(index, category, true); }
      });
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + name));
      choices.appendChild(label);
      return radio;
    });
    fieldset.appendChild(choices);
    var mark = el("p", "lms-sort-mark");
    mark.hidden = true;
    fieldset.appendChild(mark);
    card.appendChild(fieldset);
    this.draggable(card, legend, index);
    return {card: card, radios: radios, mark: mark};
  };

  /* Dragging with a mouse, pen or finger (pointer events): the item follows the pointer and
     lands in the category it is dropped on. The radio buttons do the same without dragging. */
  Sort.prototype.draggable = function (card, handle, index) {
    var self = this;
    var start = null;
    var ghost = null;
    function zoneAt(x, y) {
      var found = document.elementFromPoint(x, y);
      while (found && !(found.dataset && found.dataset.category !== undefined)) { found = found.parentElement; }
      return found;
    }
    function clearOver() {
      self.zones.forEach(function (zone) { zone.zone.classList.remove("lms-sort-over"); });
    }
    handle.addEventListener("pointerdown", function (event) {
      if (self.checked || (event.pointerType === "mouse" && event.button !== 0)) { return; }
      start = {x: event.clientX, y: event.clientY, id: event.pointerId};
      handle.setPointerCapture(event.pointerId);
    });
    handle.addEventListener("pointermove", function (event) {
      if (!start || event.pointerId !== start.id) { return; }
      if (!ghost && Math.abs(event.clientX - start.x) + Math.abs(event.clientY - start.y) < 6) { return; }
      if (!ghost) {
        ghost = el("div", "lms-sort-ghost", self.items[index].text);
        ghost.setAttribute("aria-hidden", "true");
        document.body.appendChild(ghost);
        card.classList.add("lms-sort-dragging");
      }
      ghost.style.left = event.clientX + "px";
      ghost.style.top = event.clientY + "px";
      clearOver();
      var zone = zoneAt(event.clientX, event.clientY);
      if (zone) { zone.classList.add("lms-sort-over"); }
    });
    function finish(event, drop) {
      if (!start || event.pointerId !== start.id) { return; }
      start = null;
      clearOver();
      card.classList.remove("lms-sort-dragging");
      if (!ghost) { return; }
      ghost.remove();
      ghost = null;
      var zone = drop ? zoneAt(event.clientX, event.clientY) : null;
      if (zone) {
        var category = parseInt(zone.dataset.category, 10);
        self.place(index, category < 0 ? null : category, true);
      }
    }
    handle.addEventListener("pointerup", function (event) { finish(event, true); });
    handle.addEventListener("pointercancel", function (event) { finish(event, false); });
  };

  Sort.prototype.place = function (index, category, announce) {
    if (this.checked) { return; }
    var focused = document.activeElement;
    this.answers[index] = category;
    this.render();
    // Moving the item into its category's list takes the focus away: give it back.
    if (focused && focused !== document.activeElement && this.cards[index].card.contains(focused)) {
      focused.focus();
    }
    if (announce) {
      this.feedback.textContent = fill(this.l10n.moved, {
        item: this.items[index].text, category: category === null ? this.l10n.unsorted : this.categories[category]});
    }
    this.trigger("resize");
  };

  Sort.prototype.render = function () {
    var self = this;
    this.items.forEach(function (item, index) {
      var answer = self.answers[index];
      var target = self.zones[answer === null ? 0 : answer + 1].list;
      if (self.cards[index].card.parentNode !== target) { target.appendChild(self.cards[index].card); }
      self.cards[index].radios.forEach(function (radio, category) {
        radio.checked = answer === category;
        radio.disabled = self.checked;
      });
    });
    this.zones[0].zone.hidden = this.answers.indexOf(null) === -1;
    this.checkButton.hidden = this.checked;
    this.retryButton.hidden = !(this.checked && this.behaviour.enableRetry);
  };

  Sort.prototype.getScore = function () {
    var self = this;
    return this.items.filter(function (item, index) { return self.answers[index] === item.category; }).length;
  };

  Sort.prototype.getMaxScore = function () { return this.items.length; };

  Sort.prototype.getAnswerGiven = function () { return this.answers.some(function (a) { return a !== null; }); };

  Sort.prototype.check = function () {
    var left = this.answers.filter(function (answer) { return answer === null; }).length;
    if (left) {
      this.feedback.textContent = fill(this.l10n.notAll, {left: left});
      return;
    }
    this.checked = true;
    this.render();
    this.showResult(true);
    this.retryButton.hidden ? this.feedback.focus() : this.retryButton.focus();
  };

  Sort.prototype.showResult = function (report) {
    var self = this;
    this.items.forEach(function (item, index) {
      var right = self.answers[index] === item.category;
      var mark = self.cards[index].mark;
      var text = (right ? "✓ " + self.l10n.correct : "✗ " + self.l10n.wrong);
      if (!right && self.behaviour.showSolutions && item.category >= 0) {
        text += ". " + fill(self.l10n.rightCategory, {category: self.categories[item.category]});
      }
      if (item.feedback) { text += ". " + item.feedback; }
      mark.textContent = text;
      mark.className = "lms-sort-mark " + (right ? "lms-ct-right" : "lms-ct-wrong");
      mark.hidden = false;
    });
    this.feedback.textContent = fill(this.l10n.score, {score: this.getScore(), total: this.getMaxScore()});
    if (report) { this.report(); }
    this.trigger("resize");
  };

  Sort.prototype.report = function () {
    var language = document.documentElement.lang || "en";
    var event = this.createXAPIEventTemplate("answered");
    var definition = event.data.statement.object.definition;
    var text = function (value) { var map = {}; map[language] = value; return map; };
    if (this.params.task) { definition.description = text(this.params.task); }
    definition.type = "http://adlnet.gov/expapi/activities/cmi.interaction";
    definition.interactionType = "matching";
    definition.source = this.items.map(function (item, index) { return {id: String(index), description: text(item.text)}; });
    definition.target = this.categories.map(function (name, index) { return {id: String(index), description: text(name)}; });
    definition.correctResponsesPattern = [this.items.map(function (item, index) {
      return index + "[.]" + item.category;
    }).join("[,]")];
    var score = this.getScore();
    var max = this.getMaxScore();
    event.setScoredResult(score, max, this, true, max > 0 && score * 100 / max >= this.behaviour.passPercentage);
    var answers = this.answers;
    event.data.statement.result.response = answers.map(function (answer, index) {
      return answer === null ? null : index + "[.]" + answer;
    }).filter(function (pair) { return pair !== null; }).join("[,]");
    this.trigger(event);
  };

  Sort.prototype.resetTask = function () {
    this.checked = false;
    this.answers = this.items.map(function () { return null; });
    this.cards.forEach(function (card) { card.mark.hidden = true; card.mark.textContent = ""; });
    this.feedback.textContent = "";
    this.render();
    this.trigger("resize");
  };

  Sort.prototype.getCurrentState = function () {
    return {answers: this.answers.slice(), checked: this.checked};
  };

  return Sort;
})();
