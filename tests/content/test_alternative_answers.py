"""Exercises a learner can pass from their instructions (issue 16): for each exercise whose
tests once rejected a correct answer, second correct answers, different from the reference
solution in a way the instructions allow, are graded with the real grader (the sandbox, as
"Submit" does) and pass every example and hidden test. They come from solving the exercises from
the lessons and instructions alone, by two people, so the tests cannot tighten back to one
implementation unnoticed."""

from __future__ import annotations

import pytest

from lms.content import loader
from lms.content.services import COURSES_DIR
from lms.exercises import sandbox

# HTML un CSS, recipe-article: the heading and the intro paragraph in the article's <header>
# (the hidden test once looked for the paragraph as a direct child of <article> only).
RECIPE_IN_ARTICLE_HEADER = """\
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
          <img src="biesu-zupa.jpg" alt="Bordo krāsas biešu zupa šķīvī ar krējumu un dillēm">
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

# React pamati, todo-list: the done-state checkbox inside its label, the text a plain text node
# after a space (the reference solution keeps the starter's <span>).
TODO_CHECKBOX_INSIDE_ITS_LABEL = """\
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

  function setDone(id, done) {
    setTodos((current) => current.map((t) => (t.id === id ? { ...t, done } : t)));
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
            <label>
              <input type="checkbox" checked={todo.done} onChange={(e) => setDone(todo.id, e.target.checked)} />
              {' '}{todo.text}
            </label>{' '}
            <button aria-label={`Dzēst „${todo.text}”`} onClick={() => remove(todo.id)}>Dzēst</button>
          </li>
        ))}
      </ul>
    </div>
  );
}
"""

# React pamati, todo-list: the checkbox beside its label, tied with htmlFor and a unique id.
TODO_CHECKBOX_BESIDE_ITS_LABEL = """\
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
            <label htmlFor={`todo-${todo.id}`}>{todo.text}</label>
            <button aria-label={`Dzēst „${todo.text}”`} onClick={() => remove(todo.id)}>Dzēst</button>
          </li>
        ))}
      </ul>
    </div>
  );
}
"""

# React pamati, todo-list: the same with the starter's <span> kept inside the label.
TODO_CHECKBOX_BESIDE_ITS_LABEL_WITH_SPAN = """\
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

# React pamati, star-rating: a space between each radio button and its star inside the label, the
# stars made with Array.from (label texts were once compared untrimmed).
STAR_RATING_WITH_A_SPACE_IN_EACH_LABEL = """\
import React, { useState } from 'react';

export default function StarRating({ max = 5, initial = 0, onRate = () => {} }) {
  const [rating, setRating] = useState(initial);

  function choose(n) {
    setRating(n);
    onRate(n);
  }

  return (
    <div>
      <fieldset>
        <legend>Vērtējums</legend>
        {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
          <label key={n}>
            <input type="radio" name="rating" value={n} aria-label={`${n} no ${max}`}
                   checked={rating === n} onChange={() => choose(n)} />
            {' '}<span aria-hidden="true">{n <= rating ? '★' : '☆'}</span>
          </label>
        ))}
        <button type="button" onClick={() => choose(0)}>Notīrīt vērtējumu</button>
      </fieldset>
      <p>{rating > 0 ? `Jūsu vērtējums: ${rating} no ${max}` : 'Vēl nav novērtēts'}</p>
    </div>
  );
}
"""

# React tālāk, cart-reducer: "Krīts × 2 ×", a space before the remove button.
CART_WITH_A_SPACE_BEFORE_THE_BUTTON = """\
import React, { useReducer } from 'react';

export function cartReducer(state, action) {
  switch (action.type) {
    case 'added': {
      const existing = state.items.find((item) => item.id === action.product.id);
      if (existing) {
        return {
          ...state,
          items: state.items.map((item) =>
            item.id === action.product.id ? { ...item, quantity: item.quantity + 1 } : item),
        };
      }
      return { ...state, items: [...state.items, { ...action.product, quantity: 1 }] };
    }
    case 'removed':
      return { ...state, items: state.items.filter((item) => item.id !== action.id) };
    case 'quantity-changed':
      if (action.quantity <= 0) {
        return { ...state, items: state.items.filter((item) => item.id !== action.id) };
      }
      return {
        ...state,
        items: state.items.map((item) => (item.id === action.id ? { ...item, quantity: action.quantity } : item)),
      };
    case 'cleared':
      return { ...state, items: [] };
    default:
      throw new Error('Nezināma darbība: ' + action.type);
  }
}

export default function Cart({ products }) {
  const [cart, dispatch] = useReducer(cartReducer, { items: [] });
  const total = cart.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  return (
    <div>
      {products.map((p) => (
        <button key={p.id} onClick={() => dispatch({ type: 'added', product: p })}>Pievienot: {p.name}</button>
      ))}
      {cart.items.length === 0 ? (
        <p>Grozs ir tukšs.</p>
      ) : (
        <ul>
          {cart.items.map((item) => (
            <li key={item.id}>
              {item.name} × {item.quantity}{" "}
              <button aria-label={`Izņemt ${item.name}`} onClick={() => dispatch({ type: 'removed', id: item.id })}>×</button>
            </li>
          ))}
        </ul>
      )}
      <p>Kopā: {total.toFixed(2).replace('.', ',')} €</p>
      <button onClick={() => dispatch({ type: 'cleared' })}>Iztukšot grozu</button>
    </div>
  );
}
"""

# React tālāk, feedback-form: the "Vēlos saņemt atbildi" checkbox inside its label, after a space.
FEEDBACK_CHECKBOX_INSIDE_ITS_LABEL = """\
import React, { useState } from 'react';

function validate(values) {
  const errors = {};
  if (values.name.trim() === '') errors.name = 'Ierakstiet vārdu.';
  if (values.topic === '') errors.topic = 'Izvēlieties tēmu.';
  if (values.message.trim().length < 10) errors.message = 'Ziņai jābūt vismaz 10 rakstzīmes garai.';
  return errors;
}

export default function FeedbackForm({ onSend }) {
  const [values, setValues] = useState({ name: '', topic: '', message: '', wantsReply: false });
  const [errors, setErrors] = useState({});
  const [sentName, setSentName] = useState(null);

  function handleChange(e) {
    const { name, type, value, checked } = e.target;
    setValues((v) => ({ ...v, [name]: type === 'checkbox' ? checked : value }));
  }

  function handleSubmit(e) {
    e.preventDefault();
    const found = validate(values);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const data = { ...values, name: values.name.trim(), message: values.message.trim() };
    onSend(data);
    setSentName(data.name);
  }

  function fieldProps(id, key) {
    return {
      id,
      name: key,
      value: values[key],
      onChange: handleChange,
      'aria-invalid': errors[key] ? 'true' : undefined,
      'aria-describedby': errors[key] ? `${id}-error` : undefined,
    };
  }

  if (sentName !== null) {
    return <p role="status">Paldies, {sentName}! Atsauksme nosūtīta.</p>;
  }

  return (
    <form noValidate onSubmit={handleSubmit}>
      <label htmlFor="fb-name">Vārds</label>
      <input {...fieldProps('fb-name', 'name')} />
      {errors.name && <p id="fb-name-error">{errors.name}</p>}

      <label htmlFor="fb-topic">Tēma</label>
      <select {...fieldProps('fb-topic', 'topic')}>
        <option value="">Izvēlieties tēmu</option>
        <option value="course">Kurss</option>
        <option value="tech">Tehniska problēma</option>
        <option value="other">Cits</option>
      </select>
      {errors.topic && <p id="fb-topic-error">{errors.topic}</p>}

      <label htmlFor="fb-message">Ziņa</label>
      <textarea {...fieldProps('fb-message', 'message')} />
      {errors.message && <p id="fb-message-error">{errors.message}</p>}

      <label htmlFor="fb-reply">
        <input type="checkbox" id="fb-reply" name="wantsReply" checked={values.wantsReply} onChange={handleChange} />
        {' '}Vēlos saņemt atbildi
      </label>

      <button type="submit">Sūtīt</button>
    </form>
  );
}
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

# React tālāk, saved-searches: each filter checkbox inside its htmlFor label, its text after a space.
SAVED_SEARCHES_WITH_CHECKBOXES_INSIDE_LABELS = """\
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
      <button type="button" aria-expanded={open} aria-controls="search-filters" onClick={() => setOpen(!open)}>
        Filtri
      </button>
      <div id="search-filters" hidden={!open}>
        <label htmlFor="only-new">
          <input type="checkbox" id="only-new" checked={filters.onlyNew}
                 onChange={(e) => setFilters({ ...filters, onlyNew: e.target.checked })} />
          {' '}Tikai jaunie
        </label>
        <label htmlFor="with-price">
          <input type="checkbox" id="with-price" checked={filters.withPrice}
                 onChange={(e) => setFilters({ ...filters, withPrice: e.target.checked })} />
          {' '}Ar cenu
        </label>
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

# React pamati, todo-list: the field and the button in a <form> whose onSubmit adds, as the forms
# lesson teaches (the tests' click on „Pievienot” once failed: "this <button> has no onClick
# handler"; a click on a submit button now submits its form, as in a browser).
TODO_ADDED_BY_THE_FORMS_SUBMIT = """\
import React, { useState } from 'react';

export default function TodoList({ initialTodos = [] }) {
  const [draft, setDraft] = useState('');
  const [todos, setTodos] = useState(initialTodos);
  const left = todos.filter((t) => !t.done).length;

  function handleSubmit(event) {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    const id = Math.max(0, ...todos.map((t) => t.id)) + 1;
    setTodos([...todos, { id, text, done: false }]);
    setDraft('');
  }

  const toggle = (id) => setTodos(todos.map((t) => (t.id === id ? { ...t, done: !t.done } : t)));
  const remove = (id) => setTodos(todos.filter((t) => t.id !== id));

  return (
    <div>
      <form onSubmit={handleSubmit}>
        <label htmlFor="new-todo">Jauns uzdevums</label>
        <input id="new-todo" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button>Pievienot</button>
      </form>
      <p>Atlikuši: {left}</p>
      <ul>
        {todos.map((todo) => (
          <li key={todo.id} className={todo.done ? 'done' : undefined}>
            <label>
              <input type="checkbox" checked={todo.done} onChange={() => toggle(todo.id)} /> {todo.text}
            </label>
            <button type="button" aria-label={`Dzēst „${todo.text}”`} onClick={() => remove(todo.id)}>Dzēst</button>
          </li>
        ))}
      </ul>
    </div>
  );
}
"""

# React pamati, faq-accordion: the open answer kept as an index (-1 for none), each Panel state
# returning one of two whole <section>s.
FAQ_OPEN_BY_INDEX = """\
import React, { useState } from 'react';

export function Panel(props) {
  const { title, children, isOpen, onShow, onHide } = props;
  if (isOpen) {
    return (
      <section>
        <h3>{title}</h3>
        <p>{children}</p>
        <button type="button" aria-expanded={true} onClick={onHide}>Slēpt</button>
      </section>
    );
  }
  return (
    <section>
      <h3>{title}</h3>
      <button type="button" aria-expanded={false} onClick={onShow}>Rādīt</button>
    </section>
  );
}

export default function Faq({ items }) {
  const [openIndex, setOpenIndex] = useState(-1);
  return (
    <div>
      {items.map(({ question, answer }, i) => (
        <Panel
          key={question}
          title={question}
          isOpen={openIndex === i}
          onShow={() => setOpenIndex(i)}
          onHide={() => setOpenIndex(-1)}
        >
          {answer}
        </Panel>
      ))}
    </div>
  );
}
"""

# React pamati, faq-accordion: aria-expanded written as the strings "true"/"false", as in HTML (the
# hidden test once required the booleans React also accepts).
FAQ_WITH_STRING_ARIA = """\
import React, { useState } from 'react';

export function Panel(props) {
  const { title, children, isOpen, onShow, onHide } = props;
  if (isOpen) {
    return (
      <section>
        <h3>{title}</h3>
        <p>{children}</p>
        <button type="button" aria-expanded="true" onClick={onHide}>Slēpt</button>
      </section>
    );
  }
  return (
    <section>
      <h3>{title}</h3>
      <button type="button" aria-expanded="false" onClick={onShow}>Rādīt</button>
    </section>
  );
}

export default function Faq({ items }) {
  const [openIndex, setOpenIndex] = useState(-1);
  return (
    <div>
      {items.map(({ question, answer }, i) => (
        <Panel
          key={question}
          title={question}
          isOpen={openIndex === i}
          onShow={() => setOpenIndex(i)}
          onHide={() => setOpenIndex(-1)}
        >
          {answer}
        </Panel>
      ))}
    </div>
  );
}
"""

# React pamati, user-directory: loading, error and data in one state object, a switch choosing the view.
TEAM_MEMBERS_IN_ONE_STATE_OBJECT = """\
import React, { useEffect, useState } from 'react';

export default function TeamMembers({ team }) {
  const [state, setState] = useState({ status: 'loading', members: [] });

  useEffect(() => {
    let ignore = false;
    setState({ status: 'loading', members: [] });
    async function load() {
      try {
        const res = await fetch(`/api/teams/${team}/members`);
        if (!res.ok) throw new Error('HTTP ' + res.status);
        const members = await res.json();
        if (!ignore) setState({ status: 'done', members });
      } catch {
        if (!ignore) setState({ status: 'error', members: [] });
      }
    }
    load();
    return () => { ignore = true; };
  }, [team]);

  switch (state.status) {
    case 'loading':
      return <p>Ielādē...</p>;
    case 'error':
      return <p>Neizdevās ielādēt komandu.</p>;
    default:
      if (state.members.length === 0) return <p>Komandā vēl nav neviena.</p>;
      return (
        <ul>
          {state.members.map(({ id, name, role }) => <li key={id}>{name} — {role}</li>)}
        </ul>
      );
  }
}
"""

# React pamati, countdown-timer: a second effect stops the timer at 0, the Start/Pause button
# toggled with an updater function.
COUNTDOWN_STOPPED_BY_A_SECOND_EFFECT = """\
import React, { useEffect, useState } from 'react';

export default function Countdown({ seconds }) {
  const [running, setRunning] = useState(false);
  const [left, setLeft] = useState(seconds);

  useEffect(() => {
    if (!running) return undefined;
    const id = setInterval(() => {
      setLeft((s) => Math.max(0, s - 1));
    }, 1000);
    return () => clearInterval(id);
  }, [running]);

  useEffect(() => {
    if (left === 0) setRunning(false);
  }, [left]);

  function reset() {
    setRunning(false);
    setLeft(seconds);
  }

  const over = left === 0;
  return (
    <div>
      {over ? <p>Laiks beidzies!</p> : <p>Atlikušas {left} s</p>}
      {!over && (
        <button type="button" onClick={() => setRunning((r) => !r)}>
          {running ? 'Pauze' : 'Sākt'}
        </button>
      )}
      <button type="button" onClick={reset}>Atiestatīt</button>
    </div>
  );
}
"""

# React pamati, signup-form: the fields in one state object, one change handler keyed on
# e.target.id, the errors kept in state as an object.
SIGNUP_WITH_ONE_HANDLER_FOR_EVERY_FIELD = """\
import React, { useState } from 'react';

const EMPTY = { name: '', email: '', password: '' };

function validate({ name, email, password }) {
  const errors = {};
  if (name.trim() === '') errors.name = 'Ievadiet vārdu';
  const at = email.indexOf('@');
  if (at === -1 || !email.slice(at + 1).includes('.')) errors.email = 'Ievadiet derīgu e-pasta adresi';
  if (password.length < 8) errors.password = 'Parolei jābūt vismaz 8 rakstzīmēm';
  return errors;
}

export default function SignupForm({ onSignup }) {
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState({});
  const [doneName, setDoneName] = useState(null);

  const update = (e) => setValues({ ...values, [e.target.id]: e.target.value });

  function handleSubmit(e) {
    e.preventDefault();
    const found = validate(values);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const data = { name: values.name.trim(), email: values.email.trim(), password: values.password };
    onSignup(data);
    setDoneName(data.name);
  }

  if (doneName !== null) return <p>Paldies, {doneName}! Konts izveidots.</p>;

  return (
    <form onSubmit={handleSubmit} noValidate>
      <div>
        <label htmlFor="name">Vārds</label>
        <input id="name" type="text" value={values.name} onChange={update} />
        {errors.name && <p className="error">{errors.name}</p>}
      </div>
      <div>
        <label htmlFor="email">E-pasts</label>
        <input id="email" type="email" value={values.email} onChange={update} />
        {errors.email && <p className="error">{errors.email}</p>}
      </div>
      <div>
        <label htmlFor="password">Parole</label>
        <input id="password" type="password" value={values.password} onChange={update} />
        {errors.password && <p className="error">{errors.password}</p>}
      </div>
      <button type="submit">Izveidot kontu</button>
    </form>
  );
}
"""

# React tālāk, use-fetch: the stale request cancelled with AbortController in the effect's cleanup,
# the AbortError it rejects with left unshown (the grader once had no AbortController, and the
# instructions allowed only a flag).
BOOKS_WITH_ABORT_CONTROLLER = """\
import React, { useEffect, useState } from 'react';

export function useFetch(url) {
  const [attempt, setAttempt] = useState(0);
  const [result, setResult] = useState({ status: 'loading', data: null });

  useEffect(() => {
    const controller = new AbortController();
    setResult({ status: 'loading', data: null });
    fetch(url, { signal: controller.signal })
      .then((response) => {
        if (!response.ok) throw new Error(`status ${response.status}`);
        return response.json();
      })
      .then((data) => setResult({ status: 'success', data }))
      .catch((error) => {
        if (error.name === 'AbortError') return;
        setResult({ status: 'error', data: null });
      });
    return () => controller.abort();
  }, [url, attempt]);

  return { ...result, reload: () => setAttempt((n) => n + 1) };
}

export default function Books({ author }) {
  const { status, data, reload } = useFetch(`/api/books?author=${encodeURIComponent(author)}`);
  if (status === 'loading') return <p role="status">Ielādē grāmatas...</p>;
  if (status === 'error') {
    return (
      <div>
        <p role="alert">Neizdevās ielādēt grāmatas.</p>
        <button onClick={reload}>Mēģināt vēlreiz</button>
      </div>
    );
  }
  if (data.length === 0) return <p>Šim autoram grāmatu nav.</p>;
  return (
    <ul>
      {data.map((book) => <li key={book.id}>{book.title} ({book.year})</li>)}
    </ul>
  );
}
"""

# (course, exercise, what differs from the reference solution, the answer)
ANSWERS = [
    ("html-css", "recipe-article", "intro-in-header", RECIPE_IN_ARTICLE_HEADER),
    ("react-basics", "todo-list", "checkbox-inside-label", TODO_CHECKBOX_INSIDE_ITS_LABEL),
    ("react-basics", "todo-list", "label-htmlfor", TODO_CHECKBOX_BESIDE_ITS_LABEL),
    ("react-basics", "todo-list", "label-htmlfor-span", TODO_CHECKBOX_BESIDE_ITS_LABEL_WITH_SPAN),
    ("react-basics", "star-rating", "space-in-label", STAR_RATING_WITH_A_SPACE_IN_EACH_LABEL),
    ("react-basics", "todo-list", "forms-onsubmit", TODO_ADDED_BY_THE_FORMS_SUBMIT),
    ("react-basics", "faq-accordion", "open-index", FAQ_OPEN_BY_INDEX),
    ("react-basics", "faq-accordion", "aria-expanded-string", FAQ_WITH_STRING_ARIA),
    ("react-basics", "user-directory", "one-state-object", TEAM_MEMBERS_IN_ONE_STATE_OBJECT),
    ("react-basics", "countdown-timer", "stop-in-second-effect", COUNTDOWN_STOPPED_BY_A_SECOND_EFFECT),
    ("react-basics", "signup-form", "one-change-handler", SIGNUP_WITH_ONE_HANDLER_FOR_EVERY_FIELD),
    ("react-further", "cart-reducer", "space-before-button", CART_WITH_A_SPACE_BEFORE_THE_BUTTON),
    ("react-further", "feedback-form", "checkbox-inside-label", FEEDBACK_CHECKBOX_INSIDE_ITS_LABEL),
    ("react-further", "saved-searches", "aria-expanded-string", SAVED_SEARCHES_WITH_STRING_ARIA),
    ("react-further", "saved-searches", "checkboxes-inside-labels", SAVED_SEARCHES_WITH_CHECKBOXES_INSIDE_LABELS),
    ("react-further", "use-fetch", "abort-controller", BOOKS_WITH_ABORT_CONTROLLER),
]

# ---- JS pamati and JS tīmeklī (issue 16): solved from the lessons and instructions alone ----

# JS pamati, price-with-vat: rounded with toFixed(2) and turned back into a number (toFixed alone gives
# text; the instructions now say so).
PRICE_WITH_VAT_BY_TO_FIXED = """\
const VAT_RATE = 0.21;

export function priceWithVat(price) {
  return Number((price * (1 + VAT_RATE)).toFixed(2));
}
"""

# JS pamati, parse-amount: the text checked against a pattern before Number() (the hidden "12 EUR" test
# once failed parseFloat silently; the instructions now name it).
PARSE_AMOUNT_BY_A_PATTERN = """\
const AMOUNT = /^-?\\d+(?:[.,]\\d+)?$/;

export function parseAmount(text) {
  const trimmed = text.trim();
  return AMOUNT.test(trimmed) ? Number(trimmed.replace(',', '.')) : null;
}
"""

# JS pamati, ticket-price: the price table as data, the first band whose upper age fits.
TICKET_PRICE_FROM_A_TABLE = """\
const PRICES = [
  { upTo: 6, price: 0 },
  { upTo: 17, price: 2 },
  { upTo: 64, price: 5 },
  { upTo: Infinity, price: 3 },
];

export function ticketPrice(age) {
  if (age < 0) return null;
  return PRICES.find((band) => age <= band.upTo).price;
}
"""

# JS pamati, order-total: a for...of loop summing whole cents, divided by 100 once.
ORDER_TOTAL_IN_WHOLE_CENTS = """\
export function orderTotal(items) {
  let cents = 0;
  for (const { price, quantity } of items) {
    cents += Math.round(price * 100) * quantity;
  }
  return cents / 100;
}
"""

# JS pamati, order-summary: the largest line found as the hint says, starting from the first row and
# comparing with > (the hint once led to failing the free-item test).
ORDER_SUMMARY_AS_THE_HINT_SAYS = """\
function checkItem(item, index) {
  const n = index + 1;
  if (typeof item.name !== 'string' || item.name.trim() === '') throw new TypeError(`${n}. rinda: nav nosaukuma`);
  if (typeof item.price !== 'number' || Number.isNaN(item.price)) throw new TypeError(`${n}. rinda: cena nav skaitlis`);
  if (item.price < 0) throw new RangeError(`${n}. rinda: cena nevar būt negatīva`);
  if (!Number.isInteger(item.quantity) || item.quantity < 1) throw new RangeError(`${n}. rinda: nederīgs daudzums`);
}

export function summarizeOrder(items) {
  if (!Array.isArray(items)) throw new TypeError('Pasūtījumam jābūt masīvam');
  items.forEach(checkItem);
  const quantity = items.reduce((sum, item) => sum + item.quantity, 0);
  const total = items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  let mostExpensive = null;
  if (items.length > 0) {
    let best = items[0];
    for (const item of items.slice(1)) {
      if (item.price * item.quantity > best.price * best.quantity) best = item;
    }
    mostExpensive = best.name;
  }
  return { lines: items.length, quantity, total: Math.round(total * 100) / 100, mostExpensive };
}
"""

# JS pamati, order-summary: one loop for the sums and the largest line, which starts as null.
ORDER_SUMMARY_IN_ONE_LOOP = """\
function checkItem({ name, price, quantity }, index) {
  const row = `${index + 1}. rinda`;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new TypeError(`${row}: nosaukumam jābūt tekstam, kas nav tukšs`);
  }
  if (typeof price !== 'number' || Number.isNaN(price)) {
    throw new TypeError(`${row}: cenai jābūt skaitlim`);
  }
  if (price < 0) {
    throw new RangeError(`${row}: cena nevar būt negatīva`);
  }
  if (!Number.isInteger(quantity) || quantity < 1) {
    throw new RangeError(`${row}: daudzumam jābūt veselam skaitlim, vismaz 1`);
  }
}

export function summarizeOrder(items) {
  if (!Array.isArray(items)) {
    throw new TypeError('Pasūtījumam jābūt rindu masīvam');
  }
  items.forEach(checkItem);

  let quantity = 0;
  let total = 0;
  let best = null;
  for (const item of items) {
    const lineTotal = item.price * item.quantity;
    quantity += item.quantity;
    total += lineTotal;
    if (best === null || lineTotal > best.lineTotal) {
      best = { name: item.name, lineTotal };
    }
  }
  return {
    lines: items.length,
    quantity,
    total: Math.round(total * 100) / 100,
    mostExpensive: best ? best.name : null,
  };
}
"""

# JS pamati, restock: every product copied, not only the one restocked.
RESTOCK_COPYING_EVERY_PRODUCT = """\
export function restock(products, name, amount) {
  return products.map((product) => ({
    ...product,
    stock: product.name === name ? product.stock + amount : product.stock,
  }));
}
"""

# JS tīmeklī, price-module: the amount formatted by Intl.NumberFormat without grouping and an ordinary
# space before € (the currency style's no-break space is the exercise's known trap).
PRICE_MODULE_WITH_INTL = """\
export const VAT_RATE = 0.21;

export const withVat = (net) => Math.round(net * (1 + VAT_RATE) * 100) / 100;

export const cartTotal = (items) =>
  withVat(items.reduce((sum, { price, quantity }) => sum + price * quantity, 0));

const euro = new Intl.NumberFormat('lv-LV', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  useGrouping: false,
});

export default function formatEuro(amount) {
  return `${euro.format(amount)} €`;
}
"""

# JS tīmeklī, signup-form: the fields found by [name], the errors a filtered list (a first try with
# FormData, then form.elements, failed: the grader's page once had neither; see the block at the end).
SIGNUP_FIELDS_BY_NAME = """\
const MESSAGES = {
  emailMissing: 'Ievadiet e-pasta adresi.',
  emailNoAt: 'E-pasta adresē trūkst @.',
  passwordShort: 'Parolei jābūt vismaz 8 rakstzīmes garai.',
};

export function setupSignupForm(form, onValid) {
  const errorBox = form.querySelector('.error');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const email = form.querySelector("[name=email]").value.trim();
    const password = form.querySelector("[name=password]").value;
    const errors = [
      email === '' && MESSAGES.emailMissing,
      email !== '' && !email.includes('@') && MESSAGES.emailNoAt,
      password.length < 8 && MESSAGES.passwordShort,
    ].filter(Boolean);
    errorBox.textContent = errors.join(' ');
    if (errors.length) {
      form.classList.add('invalid');
      return;
    }
    form.classList.remove('invalid');
    onValid({ email, password });
  });
}
"""

# JS tīmeklī, sequential-and-parallel: the loads chained with reduce and then, load passed to map as is.
LOADS_CHAINED_WITH_REDUCE = """\
export function loadInOrder(ids, load) {
  return ids.reduce(
    (chain, id) => chain.then(async (results) => [...results, await load(id)]),
    Promise.resolve([]),
  );
}

export function loadAtOnce(ids, load) {
  return Promise.all(ids.map(load));
}
"""

# JS tīmeklī, timeout-race: a new Promise settled by whichever comes first, without Promise.race.
TIMEOUT_WITHOUT_RACE = """\
export class TimeoutError extends Error {
  constructor(ms) {
    super(`Laiks beidzās pēc ${ms} ms`);
    this.name = 'TimeoutError';
    this.ms = ms;
  }
}

export function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
    Promise.resolve(promise)
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}
"""

# JS tīmeklī, retry-with-backoff: the next attempt as a recursive call.
RETRY_BY_RECURSION = """\
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function retry(task, { attempts = 3, delayMs = 100 } = {}, attempt = 1) {
  try {
    return await task(attempt);
  } catch (error) {
    if (attempt >= attempts) throw error;
    await wait(delayMs * 2 ** (attempt - 1));
    return retry(task, { attempts, delayMs }, attempt + 1);
  }
}
"""

# JS tīmeklī, team-summary: a then chain instead of async/await.
TEAM_SUMMARY_WITH_THEN = """\
export function loadTeamSummary() {
  return fetch('/api/team')
    .then((response) => {
      if (!response.ok) {
        throw new Error(`Komandu neizdevās ielādēt (${response.status})`);
      }
      return response.json();
    })
    .then((members) => {
      const active = members.filter((member) => member.active);
      const byRole = {};
      for (const { role } of active) {
        byRole[role] = (byRole[role] ?? 0) + 1;
      }
      return { activeCount: active.length, names: active.map((m) => m.name), byRole };
    });
}
"""

# JS tīmeklī, product-errors: a then chain whose catch turns only fetch's own failure into the message.
PRODUCT_ERRORS_WITH_THEN = """\
export function getProduct(id) {
  if (!Number.isInteger(id) || id <= 0) {
    return Promise.reject(new Error(`Nederīgs preces id: ${id}`));
  }
  return fetch(`/api/products/${id}`)
    .catch(() => {
      throw new Error('Nav savienojuma ar serveri.');
    })
    .then((response) => {
      if (response.status === 404) throw new Error(`Prece ${id} nav atrasta.`);
      if (!response.ok) throw new Error(`Servera kļūda (${response.status}). Mēģiniet vēlāk.`);
      return response.json();
    });
}
"""

ANSWERS += [
    ("js-fundamentals", "price-with-vat", "to-fixed-as-number", PRICE_WITH_VAT_BY_TO_FIXED),
    ("js-fundamentals", "parse-amount", "pattern-first", PARSE_AMOUNT_BY_A_PATTERN),
    ("js-fundamentals", "ticket-price", "price-bands", TICKET_PRICE_FROM_A_TABLE),
    ("js-fundamentals", "order-total", "whole-cents", ORDER_TOTAL_IN_WHOLE_CENTS),
    ("js-fundamentals", "order-summary", "hint-first-row", ORDER_SUMMARY_AS_THE_HINT_SAYS),
    ("js-fundamentals", "order-summary", "one-loop", ORDER_SUMMARY_IN_ONE_LOOP),
    ("js-fundamentals", "restock", "copies-every-product", RESTOCK_COPYING_EVERY_PRODUCT),
    ("js-web", "price-module", "intl-without-grouping", PRICE_MODULE_WITH_INTL),
    ("js-web", "signup-form", "fields-by-name", SIGNUP_FIELDS_BY_NAME),
    ("js-web", "sequential-and-parallel", "reduce-chain", LOADS_CHAINED_WITH_REDUCE),
    ("js-web", "timeout-race", "settled-by-hand", TIMEOUT_WITHOUT_RACE),
    ("js-web", "retry-with-backoff", "recursive", RETRY_BY_RECURSION),
    ("js-web", "team-summary", "then-chain", TEAM_SUMMARY_WITH_THEN),
    ("js-web", "product-errors", "then-catch-chain", PRODUCT_ERRORS_WITH_THEN),
]


# JS tīmeklī, signup-form: the fields read with FormData, as MDN does (the grader's page once had no
# FormData nor form.elements, and the instructions warned against both).
SIGNUP_WITH_FORM_DATA = """\
export function setupSignupForm(form, onValid) {
  const errorBox = form.querySelector('.error');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const email = data.get('email').trim();
    const password = data.get('password');
    const errors = [];
    if (!email) errors.push('Ievadiet e-pasta adresi.');
    else if (!email.includes('@')) errors.push('E-pasta adresē trūkst @.');
    if (password.length < 8) errors.push('Parolei jābūt vismaz 8 rakstzīmes garai.');
    errorBox.textContent = errors.join(' ');
    form.classList.toggle('invalid', errors.length > 0);
    if (!errors.length) onValid({ email, password });
  });
}
"""

ANSWERS += [("js-web", "signup-form", "form-data", SIGNUP_WITH_FORM_DATA)]


@pytest.fixture(scope="module")
def shipped():
    specs, problems = loader.load(COURSES_DIR)
    assert problems == []
    return {spec.slug: spec for spec in specs}


@pytest.mark.parametrize(("course", "slug", "answer"), [(c, s, a) for c, s, _, a in ANSWERS],
                         ids=[f"{c}/{s}/{how}" for c, s, how, _ in ANSWERS])
def test_a_second_correct_answer_passes_every_test(shipped, course, slug, answer):
    """A learner whose correct answer differs from the author's still passes the exercise."""
    exercise = shipped[course].exercises[slug]
    assert answer.strip() != exercise.solution.strip()
    result = sandbox.grade(answer, exercise.tests + exercise.hidden_tests, language=exercise.language,
                           environment=exercise.environment, time_limit_ms=exercise.time_limit_ms, locale="lv")
    assert result.status == "ok", result.error
    assert [(test.name, test.message) for test in result.tests if not test.passed] == []
    assert result.total == len(exercise.tests) + len(exercise.hidden_tests)


def test_every_answer_is_a_different_answer():
    """No alternative answer is listed twice, so each one pins a different way of being right."""
    answers = [answer.strip() for *_, answer in ANSWERS]
    assert len(set(answers)) == len(answers)
    assert len({(c, s, how) for c, s, how, _ in ANSWERS}) == len(ANSWERS)


# JS tīmeklī, price-module: the standard currency formatter, which the instructions warn against.
PRICE_MODULE_WITH_THE_CURRENCY_STYLE = """\
export const VAT_RATE = 0.21;

export const withVat = (net) => Math.round(net * (1 + VAT_RATE) * 100) / 100;

export const cartTotal = (items) => withVat(items.reduce((sum, { price, quantity }) => sum + price * quantity, 0));

const euro = new Intl.NumberFormat('lv-LV', { style: 'currency', currency: 'EUR' });

export default function formatEuro(amount) {
  return euro.format(amount);
}
"""


def test_the_currency_formatters_no_break_space_is_shown_and_named(shipped):
    """A learner who formats with the currency style sees, in the test's message, the no-break space
    that makes "12,10 €" differ from what they got, and is told it is a character they cannot see."""
    exercise = shipped["js-web"].exercises["price-module"]
    result = sandbox.grade(PRICE_MODULE_WITH_THE_CURRENCY_STYLE, exercise.tests + exercise.hidden_tests,
                           language=exercise.language, environment=exercise.environment,
                           time_limit_ms=exercise.time_limit_ms, locale="lv", hidden_from=len(exercise.tests))
    assert result.status == "ok", result.error
    failed = {test.name: test.message for test in result.tests if not test.passed}
    message = failed["noklusējuma eksports formatē summu latviski"]
    assert 'saņēma "12,10\\u00a0€"' in message
    assert "ko nevar redzēt" in message and "nedalāmā atstarpe (\\u00a0)" in message
    assert "withVat pieskaita 21 % PVN" not in failed
