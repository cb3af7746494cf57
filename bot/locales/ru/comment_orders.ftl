## Заказ из комментария под постом покупки (стена ВК, обсуждение канала в Telegram).

comment-orders-draft = Ваш комментарий к покупке «{ $title }»: «{ $comment }»
comment-orders-draft-line = Черновик заказа: { $line } — { $sum }.
comment-orders-draft-line-fee = Черновик заказа: { $line } — { $sum } плюс оргсбор { $fee }.
comment-orders-draft-joins = Строка добавится к вашему заказу { $number }.
comment-orders-draft-ask = Оформить заказ?
comment-orders-button-confirm = ✅ Оформить
comment-orders-button-cancel = ✖ Не нужно
comment-orders-reply = Черновик заказа: { $line }. Чтобы оформить его, откройте чат с нами по ссылке — там будут кнопки «Оформить» и «Не нужно».
comment-orders-button-open = Открыть черновик
comment-orders-cancelled = Хорошо, по этому комментарию заказ не оформлен. Сам комментарий остался в /comments.
comment-orders-already-decided = Этот черновик уже оформлен или отменён. Ваши заказы — /orders.
comment-orders-not-found = Черновик не найден: ссылка или кнопка не от вашего комментария.
comment-orders-expired = Черновик устарел: после комментария прошло больше { $days } { $days ->
    [one] дня
   *[other] дней
}. Закажите через карточку покупки: /purchases.
comment-orders-outdated = Товары в покупке изменились, и черновик больше не подходит. Закажите через карточку покупки: /purchases.
comment-orders-added-to-cart = Из вашего комментария добавлено: { $line }. У вас открыта корзина этой покупки — оформите её целиком.
