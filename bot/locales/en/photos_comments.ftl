## Photos of purchases and items; organizers' replies to buyers' comments.

# --- a purchase's photos, organizer side ---
photos-button-purchase = 🖼 Photos ({ $count })
photos-caption-purchase = Photo { $number } of { $total }{ $number ->
    [1] {" "}— the cover
   *[other] {""}
}
photos-button-remove = 🗑 Remove this photo
photos-other-platform = (uploaded on another platform, it cannot be shown here)
photos-locked = The purchase is "{ $status }": its photos no longer change.
photos-locked-list = { $count ->
    [0] The purchase has no photos.
    [one] The purchase has { $count } photo.
   *[other] The purchase has { $count } photos.
} It is "{ $status }": its photos no longer change.
photos-button-done = ✅ Done
photos-ask = { $count ->
    [0] "{ $title }" has no photos yet.
   *[other] Photos of "{ $title }": { $count } of { $max }.
} { $room ->
    [0] No more can be added: remove some first.
    [one] Send a photo and buyers will see it on the card (the first one is the cover). { $room } more can be added.
   *[other] Send photos (several at once is fine) and buyers will see them on the card: the first one is the cover. { $room } more can be added.
}
photos-expected = Waiting for a photo: send a picture (or an image as a file). To finish, press "Done" or /cancel.
photos-full = The purchase already has { $max } photos, the most it can have. Remove some and send again.
photos-added = { $cover ->
    [yes] Photo added; it is the purchase's cover
   *[other] Photo added
} ({ $count } of { $max }). Send more or press "Done".
photos-not-found = That photo is no longer on the purchase; here is the list as it is now.
photos-removed = Photo removed. { $count ->
    [0] The purchase has no photos left.
    [one] { $count } photo left.
   *[other] { $count } photos left.
}
photos-done = { $count ->
    [0] Done. The purchase has no photos.
    [one] Done. The purchase has { $count } photo, the card's cover.
   *[other] Done. The purchase has { $count } photos; the first one is the card's cover.
}

# --- photos, buyer side ---
photos-button-all = 🖼 All photos ({ $count })
photos-caption-buyer = "{ $title }": photo { $number } of { $total }
photos-button-card = « Back to the purchase
photos-buyer-after = Those are all the photos of "{ $title }".
photos-none-here = The photos of "{ $title }" were uploaded on another platform and cannot be shown here.
photos-button-items = { $count ->
    [one] 🖼 Photo of an item on this page
   *[other] 🖼 Photos of the items on this page ({ $count })
}
photos-items-none = The photos of these items were uploaded on another platform and cannot be shown here.
photos-button-pick-item = 🛒 Choose this item
photos-button-comment-item = 💬 Comment on this item

# --- replies to comments ---
comments-entry-reply = ↪ The organizer's reply: { $reply }
comments-org-new =
    💬 A new question on "{ $title }"
    { $buyer } about "{ $item }":
    "{ $text }"
comments-org-button-reply = ✍ Reply
comments-org-button-reply-number = ✍ Reply to { $number }
comments-org-button-unanswered = 💬 Unanswered: { $count }
comments-org-not-found = That comment is not among the comments on your purchases.
comments-org-already = That comment has already been answered: "{ $reply }".
comments-org-ask-reply =
    A question from { $buyer } about "{ $item }" ("{ $title }"):
    "{ $text }"

    Write your reply, up to { $max } { $max ->
        [one] character
       *[other] characters
    }: the buyer gets it together with their question. To leave, /cancel.
comments-org-reply-invalid = { $length ->
    [0] The reply is empty: please write it as text.
   *[other] A reply must be 1 to { $max } { $max ->
        [one] character
       *[other] characters
    } long (it is { $length }) without control characters. Please shorten it and send it again.
}
comments-reply-to-buyer =
    💬 { $organizer } answered your question about "{ $item }" ("{ $title }").
    You asked: "{ $question }"
    Reply: { $reply }
comments-org-replied = Reply sent: { $buyer } will get it. { $left ->
    [0] No questions in this purchase are waiting for an answer now.
    [one] { $left } question is still waiting.
   *[other] { $left } questions are still waiting.
}
comments-org-none = No questions in "{ $title }" are waiting for an answer.
comments-org-list-title = { $pages ->
    [1] Unanswered in "{ $title }": { $total }, longest waiting first:
   *[other] Unanswered in "{ $title }": { $total }, longest waiting first (page { $page } of { $pages }):
}
comments-org-entry =
    { $number }. { $buyer } about "{ $item }", waiting { $unit ->
        [minutes] { $waited ->
            [0] less than a minute
            [one] { $waited } minute
           *[other] { $waited } minutes
        }
        [hours] { $waited ->
            [one] { $waited } hour
           *[other] { $waited } hours
        }
       *[days] { $waited ->
            [one] { $waited } day
           *[other] { $waited } days
        }
    }
    "{ $text }"
