/** The control room's shell: a header with the live chaos levels, and one tab per view (kept in the URL hash). */
export function App() {
  return <main><h1>AAM Gauntlet</h1></main>;
}
