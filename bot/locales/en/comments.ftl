## The buyer's comments on items, and /comments.

cmd-comments = my comments

comments-ask-item = Which item of "{ $title }" is the comment about? Tap an item or send its number. Leave with /cancel.
comments-no-items = This purchase has no items yet, so there is nothing to comment on.
comments-item-unknown = This item is no longer in the purchase. Please choose another one.
comments-item-typed-unknown = There is no item with that number or name. Send a number from 1 to { $count } or tap an item.
comments-ask-text = Write your comment on "{ $name }" ("{ $title }"), up to { $max } { $max ->
        [one] character
       *[other] characters
    }. Leave with /cancel.
comments-text-invalid = { $length ->
    [0] The comment is empty; please write it as text.
   *[other] A comment must be 1 to { $max } { $max ->
        [one] character
       *[other] characters
    } (this one is { $length }) with no control characters. Please shorten it and send it again.
}
comments-saved = Your comment on "{ $name }" is saved.
comments-button-mine = 💬 My comments
comments-none = You have no comments in the last six months. Comment on an item from a purchase card: /purchases.
comments-list-title = { $pages ->
    [1] Your comments of the last six months ({ $total }):
   *[other] Your comments of the last six months ({ $total }), page { $page } of { $pages }:
}
comments-entry-head = 💬 { $date } · "{ $title }", { $item }
