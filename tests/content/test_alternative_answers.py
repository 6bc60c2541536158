"""Second correct answers to shipped exercises whose tests once rejected them (issue 16: a
learner can pass from the instructions alone). Each answer differs from the reference solution in
a way the instructions allow, and is graded by the real grader with every test, hidden ones too."""

from __future__ import annotations

import pytest

from lms.content import loader
from lms.content.services import COURSES_DIR
from lms.exercises import sandbox

# HTML un CSS, recipe-article: the heading and the intro paragraph in the article's <header>
# (the hidden test once looked for the paragraph as a direct child of <article> only).
RECIPE_WITH_ARTICLE_HEADER = """\
<!doctype html>
<html lang="lv">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Receptes</title>
  </head>
  <body>
    <main>
      <h1>Receptes</h1>
      <article>
        <header>
          <h2>Biešu zupa</h2>
          <p>Silta zupa vēsam rudens vakaram, gatava stundas laikā.</p>
        </header>
        <figure>
          <img src="biesu-zupa.jpg" alt="Šķīvis sarkanas biešu zupas ar baltu krējumu un zaļām dillēm">
          <figcaption>Zupa ar krējumu un dillēm</figcaption>
        </figure>
        <section>
          <h3>Sastāvdaļas</h3>
          <ul>
            <li>3 vidēji lielas bietes</li>
            <li>2 kartupeļi</li>
            <li>1 burkāns</li>
            <li>1 sīpols</li>
            <li>1,5 litri dārzeņu buljona</li>
          </ul>
        </section>
        <section>
          <h3>Pagatavošana</h3>
          <ol>
            <li>Nomizojiet un sarīvējiet bietes un burkānu.</li>
            <li>Sagrieziet kartupeļus un sīpolu.</li>
            <li>Vāriet visu buljonā 40 minūtes.</li>
            <li>Pasniedziet ar krējumu un dillēm.</li>
          </ol>
        </section>
      </article>
    </main>
  </body>
</html>
"""

# React tālāk, saved-searches: aria-expanded written as the strings "true"/"false", as in HTML
# (the example test once required the booleans React also accepts).
SAVED_SEARCHES_WITH_STRING_ARIA = """\
import React, { useState } from 'react';

export default function SavedSearches({ initial }) {
  const [searches, setSearches] = useState(initial);
  const [open, setOpen] = useState(false);
  const [filters, setFilters] = useState({ onlyNew: false, withPrice: false });
  const [message, setMessage] = useState('');

  function remove(search) {
    setSearches((current) => current.filter((x) => x.id !== search.id));
    setMessage(`Meklējums „${search.name}” izdzēsts.`);
  }

  return (
    <div>
      <button type="button" aria-expanded={open ? 'true' : 'false'} aria-controls="search-filters" onClick={() => setOpen(!open)}>
        Filtri
      </button>
      <div id="search-filters" hidden={!open}>
        <input type="checkbox" id="only-new" checked={filters.onlyNew}
               onChange={(e) => setFilters({ ...filters, onlyNew: e.target.checked })} />
        <label htmlFor="only-new">Tikai jaunie</label>
        <input type="checkbox" id="with-price" checked={filters.withPrice}
               onChange={(e) => setFilters({ ...filters, withPrice: e.target.checked })} />
        <label htmlFor="with-price">Ar cenu</label>
      </div>
      <ul>
        {searches.map((s) => (
          <li key={s.id}>
            <span>{s.name}</span>
            <button type="button" aria-label={`Dzēst meklējumu „${s.name}”`} onClick={() => remove(s)}>
              <span aria-hidden="true">×</span>
            </button>
          </li>
        ))}
      </ul>
      <p role="status">{message}</p>
    </div>
  );
}
"""

# React pamati, todo-list: the done-state checkbox labelled with htmlFor and a unique id, which
# the instructions allow besides the label around the checkbox.
TODO_LIST_WITH_HTMLFOR_LABEL = """\
import React, { useState } from 'react';

export default function TodoList({ initialTodos = [] }) {
  const [todos, setTodos] = useState(initialTodos);
  const [text, setText] = useState('');

  function add() {
    const clean = text.trim();
    if (clean === '') return;
    const id = Math.max(0, ...todos.map((t) => t.id)) + 1;
    setTodos([...todos, { id, text: clean, done: false }]);
    setText('');
  }

  function toggle(id) {
    setTodos(todos.map((t) => (t.id === id ? { ...t, done: !t.done } : t)));
  }

  function remove(id) {
    setTodos(todos.filter((t) => t.id !== id));
  }

  const left = todos.filter((t) => !t.done).length;

  return (
    <div>
      <label htmlFor="new-todo">Jauns uzdevums</label>
      <input id="new-todo" value={text} onChange={(e) => setText(e.target.value)} />
      <button onClick={add}>Pievienot</button>
      <p>Atlikuši: {left}</p>
      <ul>
        {todos.map((todo) => (
          <li key={todo.id} className={todo.done ? 'done' : ''}>
            <input type="checkbox" id={`todo-${todo.id}`} checked={todo.done}
                   onChange={(e) => setTodos(todos.map((t) => (t.id === todo.id ? { ...t, done: e.target.checked } : t)))} />
            <label htmlFor={`todo-${todo.id}`}><span>{todo.text}</span></label>
            <button aria-label={`Dzēst „${todo.text}”`} onClick={() => remove(todo.id)}>Dzēst</button>
          </li>
        ))}
      </ul>
    </div>
  );
}
"""

ANSWERS = [
    ("html-css", "recipe-article", RECIPE_WITH_ARTICLE_HEADER),
    ("react-further", "saved-searches", SAVED_SEARCHES_WITH_STRING_ARIA),
    ("react-basics", "todo-list", TODO_LIST_WITH_HTMLFOR_LABEL),
]


@pytest.fixture(scope="module")
def exercises():
    specs, problems = loader.load(COURSES_DIR)
    assert problems == []
    return {(spec.slug, slug): exercise for spec in specs for slug, exercise in spec.exercises.items()}


@pytest.mark.parametrize(("course", "slug", "answer"), ANSWERS, ids=[f"{c}/{s}" for c, s, _ in ANSWERS])
def test_a_second_correct_answer_passes_every_test(exercises, course, slug, answer):
    """A learner whose correct answer is written differently from the reference solution passes
    every example and hidden test."""
    exercise = exercises[(course, slug)]
    assert answer != exercise.solution
    result = sandbox.grade(answer, exercise.tests + exercise.hidden_tests, language=exercise.language,
                           environment=exercise.environment, time_limit_ms=exercise.time_limit_ms, locale="lv")
    failed = [(test.name, test.message) for test in result.tests if not test.passed]
    assert result.status == "ok" and failed == [] and result.all_passed, (result.error, failed)
