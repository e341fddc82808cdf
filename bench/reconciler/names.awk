# names.awk: a document of n lines full of near-duplicate names: each line
# names two people drawn from a small pool, a quarter of the names with a
# typo (a letter left out, doubled or swapped with the next). Deterministic.
#
#   awk -v n=10000 -f bench/reconciler/names.awk > names.md

function next_random () {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return int (seed / 65536)
}

function typo (word,    len, at, kind) {
  len = length (word)
  if (next_random () % 4 != 0 || len < 4)
    return word
  at = 2 + next_random () % (len - 2)
  kind = next_random () % 3
  if (kind == 0)
    return substr (word, 1, at - 1) substr (word, at + 1)
  if (kind == 1)
    return substr (word, 1, at) substr (word, at)
  return substr (word, 1, at - 1) substr (word, at + 1, 1) substr (word, at, 1) substr (word, at + 2)
}

function person () {
  return first[next_random () % n_first] " " typo(last[next_random () % n_last])
}

BEGIN {
  seed = 42
  n_first = split ("Ada Alan Grace Marie Pierre Barbara Edsger Donald Niklaus John " \
                   "Katherine Margaret Claude Dennis Frances Hedy Radia Tim Linus Guido", first, " ")
  n_last = split ("Lovelace Turing Hopper Curie Liskov Dijkstra Knuth Wirth Backus " \
                  "Johnson Hamilton Shannon Ritchie Allen Lamarr Perlman Berners " \
                  "Torvalds Rossum Babbage Neumann Shockley Bardeen Brattain Kernighan", last, " ")
  verbs[1] = "met"; verbs[2] = "wrote to"; verbs[3] = "worked with"; verbs[4] = "cited"
  for (i = 0; i < n; i++)
    printf "%s %s %s.\n", person(), verbs[1 + next_random () % 4], person()
}
